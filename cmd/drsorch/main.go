// Command drsorch is the companion of the drsorch Terraform provider: the
// run service (`drsorch serve`) and, for the day of a disaster, a CLI that
// starts, watches and steers recoveries without Terraform.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/version"
)

func main() {
	root := &cobra.Command{
		Use:           "drsorch",
		Short:         "Disaster-recovery orchestration for AWS Elastic Disaster Recovery",
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newServeCommand())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "drsorch:", err)
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit code for scripts.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	if e, ok := err.(*exitError); ok {
		return e.code
	}
	return 1
}
