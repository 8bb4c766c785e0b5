package cli

import (
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// NewRoot is the drsorch command with every CLI command added; the serve
// command is added by package main.
func NewRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "drsorch",
		Short: "Disaster-recovery orchestration for AWS Elastic Disaster Recovery",
		Long: `drsorch runs recovery plans deployed by the drsorch Terraform provider without
Terraform: list plans, start a drill or a recovery, watch it wave by wave,
approve paused waves, cancel, clean up drill instances, read the audit trail.

It talks to AWS (credentials and region as for the AWS CLI: --profile,
--region, AWS_* variables, --assume-role) or to a local run service
(--endpoint or DRSORCH_RUN_SERVICE_ENDPOINT).

` + ExitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError("%s", err) })
	for _, cmd := range []*cobra.Command{
		newPlansCommand(env), newStartCommand(env), newStatusCommand(env),
		newResumeCommand(env), newCancelCommand(env), newTerminateCommand(env),
		newHistoryCommand(env), newQuotasCommand(env),
		newConsoleCommand(env), newReportCommand(env),
	} {
		root.AddCommand(cmd)
	}
	return root
}

// command builds a CLI command that connects before running.
func command(env *Env, cmd *cobra.Command, run func(ctx context.Context, s *session, args []string) error) *cobra.Command {
	g := &globalFlags{}
	g.register(cmd)
	cmd.RunE = func(c *cobra.Command, args []string) error {
		ctx := c.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		if err := g.regionFromARN(args); err != nil {
			return err
		}
		s, err := g.connect(ctx, env)
		if err != nil {
			return err
		}
		return run(ctx, s, args)
	}
	return cmd
}

// exactArgs is cobra.ExactArgs with a usage exit code and a clear message.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError("%s takes %s (got %d arguments); see `drsorch %s --help`", cmd.Name(), what, len(args), cmd.Name())
		}
		return nil
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// regionFromARN takes the region from an ARN argument when none is given
// on the command line: an execution lives in the region of its ARN, so the
// commands that status prints work from any shell.
func (g *globalFlags) regionFromARN(args []string) error {
	if len(args) == 0 || !strings.HasPrefix(args[0], "arn:") {
		return nil
	}
	parts := strings.SplitN(args[0], ":", 6)
	if len(parts) < 6 || parts[3] == "" {
		return nil
	}
	if p := drsapi.PartitionOf(parts[3]); parts[1] != p {
		return usageError("%s names region %s but partition %s; ARNs in %s begin arn:%s:", args[0], parts[3], parts[1], parts[3], p)
	}
	switch region := parts[3]; {
	case g.region == "":
		g.region = region
	case g.region != region:
		return usageError("%s is in region %s but --region is %s; drop --region or use the matching one", args[0], region, g.region)
	}
	return nil
}
