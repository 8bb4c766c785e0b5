package runservice

import (
	"context"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// notBeforeRecords moves start past the newest timestamp the store records
// (the high-water mark every durable commit raises), so the clock never
// runs backwards across a restart, not even after kill -9 between two saves
// of the clock. With real DRS (DRSAWS) time is the wall clock and is left
// alone: a mark ahead of it, left by a faster simulated run, is only logged.
func notBeforeRecords(st *store.Store, start time.Time, cfg Config) (time.Time, error) {
	hw, ok, err := st.HighWater(context.Background())
	if err != nil || !ok {
		return start, err
	}
	if !hw.After(start) {
		return start, nil
	}
	if cfg.DRSMode == DRSAWS {
		cfg.Logger.Warn("the store holds timestamps ahead of the wall clock (from a simulated run with a time scale); new events will sort before them",
			"newest_recorded", hw, "now", start)
		return start, nil
	}
	return hw, nil
}
