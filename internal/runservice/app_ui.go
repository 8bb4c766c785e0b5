package runservice

import (
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ui"
)

// mountUI mounts the live dashboard at /ui/. It reads and steers
// executions through the App's own router, in process, so it needs the
// other services mounted first.
func (a *App) mountUI(Config) error {
	dash, err := ui.New(ui.Options{
		API:     a.Router.InProcess(),
		Now:     a.Clock.Now,
		Estates: a.simulatedEstates,
		Logger:  a.Logger,
	})
	if err != nil {
		return err
	}
	a.Router.Handle("/ui/", dash)
	return nil
}

// simulatedEstates lists the accounts and regions the DRS simulator holds.
func (a *App) simulatedEstates() []ui.Estate {
	if a.DRS == nil {
		return nil
	}
	var out []ui.Estate
	for _, e := range a.DRS.State().Estates {
		if e.Initialized {
			out = append(out, ui.Estate{Account: e.Account, Region: e.Region, Servers: e.Servers})
		}
	}
	return out
}
