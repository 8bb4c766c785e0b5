package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

func newStatusCommand(env *Env) *cobra.Command {
	var watch bool
	cmd := command(env, &cobra.Command{
		Use:   "status EXEC [--watch]",
		Short: "Show an execution wave by wave and server by server; --watch follows it to the end",
		Long: `status shows an execution (by ARN, or by name searched among the plans'
executions): its type, who started it, each wave's level, status and DRS
job, each server's launch status, recovery instance, EC2 instance and state,
and for a paused gate the exact resume command.

--watch refreshes until the execution ends or Ctrl-C: in place on a
terminal, appended on a pipe (with --json: one JSON object per line). It
exits 4 when the execution ends FAILED, TIMED_OUT or ABORTED.`,
		Args: exactArgs(1, "one EXEC (execution ARN or name)"),
	}, func(ctx context.Context, s *session, args []string) error {
		arn, err := resolveExecution(ctx, s, args[0])
		if isNotFound(err) && !strings.HasPrefix(args[0], "arn:") {
			arn, err = resolveLoggedExecution(ctx, s, args[0], err)
		}
		if err != nil {
			return err
		}
		if !watch {
			e, err := describeOrLogged(ctx, s, arn)
			if err != nil {
				return err
			}
			return showWithFailures(ctx, s, e)
		}
		return watchExecution(ctx, s, arn)
	})
	cmd.Flags().BoolVar(&watch, "watch", false, "refresh until the execution ends (Ctrl-C stops watching, not the execution)")
	return cmd
}

// showWithFailures shows the execution and, for each failed source
// server, DRS's own error for it from the job log.
func showWithFailures(ctx context.Context, s *session, e *executions.Execution) error {
	failures, err := executions.Failures(ctx, s.exec().DRS, e)
	if err != nil {
		fmt.Fprintf(s.env.Stderr, "warning: could not read DRS's errors for the failed servers: %v\n", err)
	}
	if s.flags.json {
		out := executionJSON(e)
		for _, f := range failures {
			out.Failures = append(out.Failures, FailureJSON{Wave: f.Wave, JobID: f.JobID, SourceServerID: f.SourceServerID, Event: f.Event, Error: f.Error})
		}
		return writeJSON(s.env.Stdout, out)
	}
	renderExecution(s.env.Stdout, e, s.env.now(), painter(s.env.colour(s.env.Stdout)))
	renderFailures(s.env.Stdout, failures)
	return nil
}

// watchExecution redraws the execution whenever its progress changes.
func watchExecution(ctx context.Context, s *session, arn string) error {
	out := s.env.Stdout
	terminal := s.env.isTerminal(out)
	p := painter(s.env.colour(out))
	frames := 0
	draw := func(e *executions.Execution) {
		frames++
		if s.flags.json {
			line, _ := json.Marshal(executionJSON(e))
			fmt.Fprintf(out, "%s\n", line)
			return
		}
		var frame bytes.Buffer
		renderExecution(&frame, e, s.env.now(), p)
		switch {
		case terminal:
			// Home and clear, then the new frame: redraw in place.
			fmt.Fprint(out, "\x1b[H\x1b[2J")
		case frames > 1:
			fmt.Fprintf(out, "\n--- %s ---\n", s.env.now().UTC().Format(timeLayout))
		}
		_, _ = out.Write(frame.Bytes())
	}
	e, err := executions.Wait(ctx, s.exec(), arn, executions.UntilCompleted, s.flags.poll, draw)
	if err != nil {
		if ctx.Err() != nil {
			return &ExitError{Code: ExitInterrupted, Err: fmt.Errorf("stopped watching; the execution keeps running: %s", arn)}
		}
		return describeError(arn, err)
	}
	return endedBadly(e)
}
