package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/report"
)

func newReportCommand(env *Env) *cobra.Command {
	var (
		out      string
		rto      time.Duration
		waveRTOs []string
		check    bool
	)
	cmd := command(env, &cobra.Command{
		Use:   "report EXECUTION",
		Short: "Write an HTML, JSON and JUnit XML report of a drill or recovery: timeline, recovery time against the RTO, servers, approvals, DRS job events",
		Long: `report writes three files into --out (default drsorch-report):

  report.html  one self-contained page: the timeline of waves and servers
               (pauses, launches, failures) as an inline picture, per-wave and
               total recovery time against the RTO, servers and outcomes,
               approvals and their approvers, DRS job events
  report.json  the same record for scripts
  junit.xml    JUnit XML for CI: a test case per wave, per server and, with a
               target, for the RTO

EXECUTION is an execution ARN or name. The RTO targets are the rto
attributes of the recovery plan (the version the run executed): the whole
run, from its start until the last wave is done, pauses included, and each
wave's DRS job, start to end. --rto and --wave-rto WAVE=DURATION override
them, one by one; report.json says where they came from (rto.source).

With --check the command exits 4 when the run failed, missed an RTO, or is
still running (the files are written first).`,
		Args: exactArgs(1, "one EXECUTION (ARN or name)"),
	}, func(ctx context.Context, s *session, args []string) error {
		target := report.Target{Total: report.Duration(rto)}
		if rto < 0 {
			return usageError("--rto must be positive, got %s", rto)
		}
		for _, kv := range waveRTOs {
			wave, d, ok := strings.Cut(kv, "=")
			dur, err := time.ParseDuration(d)
			if !ok || wave == "" || err != nil || dur <= 0 {
				return usageError("--wave-rto %q: write WAVE=DURATION, such as db=15m", kv)
			}
			if target.Waves == nil {
				target.Waves = map[string]report.Duration{}
			}
			target.Waves[wave] = report.Duration(dur)
		}
		arn, err := resolveExecution(ctx, s, args[0])
		if err != nil {
			return err
		}
		e, err := describe(ctx, s, arn)
		if err != nil {
			return err
		}
		for wave := range target.Waves {
			if _, ok := e.Wave(wave); !ok {
				return usageError("--wave-rto: execution %s has no wave %q", e.Name, wave)
			}
		}
		r, err := report.Collect(ctx, s.exec(), arn, target, s.env.now())
		if err != nil {
			return describeError(arn, err)
		}
		paths, err := report.Write(r, out)
		if err != nil {
			return fmt.Errorf("write the report into %s: %w", out, err)
		}
		if r.EventsError != "" {
			fmt.Fprintln(s.env.Stderr, "warning: "+r.EventsError)
		}
		if s.flags.json {
			if err := writeJSON(s.env.Stdout, map[string]any{"outcome": r.Outcome, "files": paths, "problems": r.Problems}); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(s.env.Stdout, "Report of %s %s (%s, recovery time %s):\n  %s\n", strings.ToLower(r.Execution.Type), r.Execution.Name, r.Outcome, r.Recovery, strings.Join(paths, "\n  "))
			for _, p := range r.Problems {
				fmt.Fprintln(s.env.Stdout, "  problem: "+p)
			}
		}
		if check && r.Outcome != "passed" {
			return &ExitError{Code: ExitRunFailed, Err: fmt.Errorf("%s %s %s: %s", strings.ToLower(r.Execution.Type), r.Execution.Name, r.Outcome, strings.Join(r.Problems, "; "))}
		}
		return nil
	})
	f := cmd.Flags()
	f.StringVar(&out, "out", "drsorch-report", "directory to write report.html, report.json and junit.xml into")
	f.DurationVar(&rto, "rto", 0, "recovery time objective of the whole run, e.g. 45m (start to last wave done, pauses included); default: the plan's rto")
	f.StringArrayVar(&waveRTOs, "wave-rto", nil, "recovery time objective of one wave's DRS job, WAVE=DURATION (repeatable); default: the wave's rto in the plan")
	f.BoolVar(&check, "check", false, "exit 4 when the run failed, missed an RTO or is still running")
	return cmd
}
