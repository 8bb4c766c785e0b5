// Command drsorch is the companion of the drsorch Terraform provider: the
// run service (`drsorch serve`) and, for the day of a disaster, a CLI that
// starts, watches and steers recoveries without Terraform (internal/cli).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/version"
)

func main() {
	root := cli.NewRoot(cli.DefaultEnv())
	root.Version = version.Version
	root.AddCommand(newServeCommand())
	// Ctrl-C stops waiting and watching, never the execution itself.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := root.ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "drsorch:", err)
		os.Exit(exitCode(err))
	}
}

// exitCode is the documented exit code of err (see `drsorch --help`).
func exitCode(err error) int { return cli.ExitCode(err) }
