package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

func newResumeCommand(env *Env) *cobra.Command {
	var wave, reason string
	cmd := command(env, &cobra.Command{
		Use:   "resume EXEC --wave W",
		Short: "Approve a paused wave so the execution continues",
		Args:  exactArgs(1, "one EXEC (execution ARN or name)"),
	}, func(ctx context.Context, s *session, args []string) error {
		if wave == "" {
			return usageError("name the paused wave to approve: --wave W (`drsorch status EXEC` shows it)")
		}
		arn, err := resolveExecution(ctx, s, args[0])
		if err != nil {
			return err
		}
		e, err := describe(ctx, s, arn)
		if err != nil {
			return err
		}
		if _, ok := e.Wave(wave); !ok {
			return notFound("plan %s has no wave %q (waves: %s)", e.Plan, wave, strings.Join(waveNames(e), ", "))
		}
		if !e.Running() {
			return refused("execution %s has ended (%s); there is nothing to resume", e.Name, e.Phase())
		}
		by, err := callerARN(ctx, s)
		if err != nil {
			return err
		}
		err = executions.ResumeWith(ctx, s.exec(), e, wave, executions.Approval{ApprovedBy: by, ApprovedAt: s.env.now(), Reason: reason})
		if errors.Is(err, executions.ErrAlreadyApproved) {
			// An earlier attempt (its answer lost) or someone else released
			// the gate: the approval is there, nothing is left to do.
			if s.flags.json {
				return writeJSON(s.env.Stdout, map[string]string{"execution_arn": arn, "wave": wave, "already_approved": err.Error()})
			}
			fmt.Fprintf(s.env.Stdout, "Wave %s of %s was already approved (%v); the execution continues.\n", wave, e.Name, err)
			return nil
		}
		if err != nil {
			if errors.Is(err, executions.ErrNotPaused) {
				return refused("%v (now %s); only a wave waiting at its pause gate can be resumed", err, e.Phase())
			}
			return apiError("resume wave "+wave, err)
		}
		if s.flags.json {
			return writeJSON(s.env.Stdout, map[string]string{"execution_arn": arn, "wave": wave, "approved_by": by})
		}
		fmt.Fprintf(s.env.Stdout, "Approved wave %s of %s; the execution continues.\n", wave, e.Name)
		return nil
	})
	cmd.Flags().StringVar(&wave, "wave", "", "the paused wave to approve")
	cmd.Flags().StringVar(&reason, "reason", "", "free text recorded with the approval (a ticket, a change number); the approver is always your STS identity")
	return cmd
}

func waveNames(e *executions.Execution) []string {
	names := make([]string, len(e.Waves))
	for i, w := range e.Waves {
		names[i] = w.Name
	}
	return names
}

func newCancelCommand(env *Env) *cobra.Command {
	return command(env, &cobra.Command{
		Use:   "cancel EXEC",
		Short: "Stop a running or paused execution (instances already launched stay)",
		Args:  exactArgs(1, "one EXEC (execution ARN or name)"),
	}, func(ctx context.Context, s *session, args []string) error {
		arn, err := resolveExecution(ctx, s, args[0])
		if err != nil {
			return err
		}
		e, err := describe(ctx, s, arn)
		if err != nil {
			return err
		}
		if !e.Running() {
			return refused("execution %s has already ended (%s)", e.Name, e.Phase())
		}
		by, err := callerARN(ctx, s)
		if err != nil {
			return err
		}
		if err := executions.Cancel(ctx, s.exec(), arn, by); err != nil {
			return describeError(arn, err)
		}
		if e, err = describe(ctx, s, arn); err != nil {
			return err
		}
		if s.flags.json {
			return writeJSON(s.env.Stdout, executionJSON(e))
		}
		fmt.Fprintf(s.env.Stdout, "Cancelled %s (%s).\n", e.Name, e.Phase())
		if n := len(executions.LaunchedInstances(e)); n > 0 && e.Type == executions.TypeDrill {
			fmt.Fprintf(s.env.Stdout, "%d recovery instances it launched still run; clean them up with:\n  drsorch terminate %s\n", n, shellQuote(arn))
		}
		return nil
	})
}

// TerminateJSON is what `terminate --json` prints.
type TerminateJSON struct {
	ExecutionARN string           `json:"execution_arn"`
	JobID        string           `json:"job_id"`
	Terminated   []TerminatedJSON `json:"terminated"`
}

// TerminatedJSON is one terminated recovery instance.
type TerminatedJSON struct {
	Wave               string `json:"wave"`
	SourceServerID     string `json:"source_server_id"`
	RecoveryInstanceID string `json:"recovery_instance_id"`
	EC2InstanceID      string `json:"ec2_instance_id"`
}

// describeOrFromJobs reads an execution; one whose history Step Functions
// no longer keeps (90 days after it closed) is rebuilt from the DRS jobs
// tagged with its ARN, so that its drill instances can still be found.
func describeOrFromJobs(ctx context.Context, s *session, arn string) (*executions.Execution, error) {
	e, err := executions.Describe(ctx, s.exec(), arn)
	var missing *sfntypes.ExecutionDoesNotExist
	if !errors.As(err, &missing) {
		if err != nil {
			return nil, describeError(arn, err)
		}
		return e, nil
	}
	e, found, jerr := executions.FromJobs(ctx, s.exec(), arn)
	switch {
	case jerr != nil:
		return nil, apiError("find the DRS jobs of "+arn, jerr)
	case !found:
		return nil, describeError(arn, err)
	}
	fmt.Fprintf(s.env.Stderr, "note: Step Functions no longer knows %s (closed executions are kept 90 days); its DRS jobs name its recovery instances.\n", e.Name)
	return e, nil
}

func newTerminateCommand(env *Env) *cobra.Command {
	var includeRecovery, yes bool
	cmd := command(env, &cobra.Command{
		Use:   "terminate EXEC [--include-recovery]",
		Short: "Terminate the recovery instances an ended drill launched, and wait for DRS's terminate job",
		Long: `terminate terminates the recovery instances that the execution's DRS jobs
launched and that still exist, waits for the DRS terminate job, and reports
what was terminated. A running execution is refused: cancel it first.

A RECOVERY's instances are your production: they are refused (exit 3)
unless --include-recovery is given, which also asks you to type the plan
name unless --yes.`,
		Args: exactArgs(1, "one EXEC (execution ARN or name)"),
	}, func(ctx context.Context, s *session, args []string) error {
		arn, err := resolveExecution(ctx, s, args[0])
		if err != nil {
			return err
		}
		e, err := describeOrFromJobs(ctx, s, arn)
		if err != nil {
			return err
		}
		if e.Running() {
			return refused("execution %s is still running (%s); cancel it first: drsorch cancel %s", e.Name, e.Phase(), shellQuote(arn))
		}
		if e.Type == executions.TypeRecovery {
			if !includeRecovery {
				return refused("execution %s is a RECOVERY: its instances are your production now; add --include-recovery to terminate them anyway", e.Name)
			}
			if !yes {
				if err := confirm(s.env, fmt.Sprintf("This terminates the production instances launched by RECOVERY %s.", e.Name), e.Plan); err != nil {
					return err
				}
			}
		}
		res, err := executions.Terminate(ctx, s.exec(), e, includeRecovery, s.flags.poll)
		if err != nil {
			return apiError("terminate the recovery instances of "+e.Name, err)
		}
		waveOf := map[string]string{}
		for _, w := range e.Waves {
			for _, srv := range w.Servers {
				waveOf[srv.SourceServerID] = w.Name
			}
		}
		out := TerminateJSON{ExecutionARN: arn, JobID: res.JobID, Terminated: []TerminatedJSON{}}
		for _, srv := range res.Terminated {
			out.Terminated = append(out.Terminated, TerminatedJSON{Wave: waveOf[srv.SourceServerID], SourceServerID: srv.SourceServerID,
				RecoveryInstanceID: srv.RecoveryInstanceID, EC2InstanceID: srv.EC2InstanceID})
		}
		if s.flags.json {
			return writeJSON(s.env.Stdout, out)
		}
		if len(res.Terminated) == 0 {
			fmt.Fprintf(s.env.Stdout, "Execution %s has no recovery instances left to terminate.\n", e.Name)
			return nil
		}
		fmt.Fprintf(s.env.Stdout, "Terminated %d recovery instances of %s (DRS job %s):\n", len(res.Terminated), e.Name, strings.Join(res.JobIDs, ", "))
		tw := tabwriter.NewWriter(s.env.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  WAVE\tSOURCE SERVER\tRECOVERY INSTANCE\tEC2 INSTANCE")
		for _, t := range out.Terminated {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t.Wave, t.SourceServerID, t.RecoveryInstanceID, orDash(t.EC2InstanceID))
		}
		return tw.Flush()
	})
	cmd.Flags().BoolVar(&includeRecovery, "include-recovery", false, "also terminate the instances of a RECOVERY (your production)")
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return cmd
}
