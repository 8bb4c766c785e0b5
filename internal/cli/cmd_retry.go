package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

func newRetryCommand(env *Env) *cobra.Command {
	var (
		yes        bool
		wait, name string
	)
	cmd := command(env, &cobra.Command{
		Use:   "retry EXECUTION",
		Short: "Continue a run that failed: skip the waves it recovered, relaunch only the failed servers",
		Long: `retry starts a new execution of the plan and type of EXECUTION, which
must have ended without succeeding, or succeeded with failed optional
waves (PARTIAL). Nothing is recovered twice:

  - waves that recovered in EXECUTION (or were skipped by it) are skipped,
    and shown as SKIPPED, recovered earlier in EXECUTION;
  - a failed wave launches only its servers that did not launch; when all
    of them launched (the wave was unhealthy or timed out), it runs again;
  - a wave whose DRS job may still run (read failures) follows that job;
  - waves that never started run as usual.

A wave that failed while DRS still launched its other servers is retried
once that job has completed. The same checks, confirmation (for a
RECOVERY), --name and --wait as drsorch start apply.`,
		Args: exactArgs(1, "one EXECUTION (name or ARN)"),
	}, func(ctx context.Context, s *session, args []string) error {
		milestone, err := parseMilestone(wait)
		if err != nil {
			return err
		}
		arn, err := resolveExecution(ctx, s, args[0])
		if err != nil {
			return err
		}
		e, err := describe(ctx, s, arn)
		if err != nil {
			return err
		}
		in, err := executions.RetryInput(e, "")
		if err != nil {
			return refused("retry %s: %v", e.Name, err)
		}
		p, err := resolvePlan(ctx, s, e.PlanARN)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.env.Stderr, "Retrying %s %s: %s\n", e.Type, e.Name, executions.DescribeResume(in))
		return startRun(ctx, s, p, in, name, yes, milestone)
	})
	f := cmd.Flags()
	f.BoolVar(&yes, "yes", false, "do not ask for confirmation (RECOVERY)")
	f.StringVar(&wait, "wait", "", "wait until the run is started, paused or completed")
	f.StringVar(&name, "name", "", "execution name (default: <type>-<UTC time>-<random>); the same name never starts a second run")
	return cmd
}
