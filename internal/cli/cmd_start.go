package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/startcheck"
)

func newStartCommand(env *Env) *cobra.Command {
	var (
		drill, recovery, yes bool
		wait, name           string
		adoptFrom, fromWave  string
		pointInTime          string
		snapshots            []string
	)
	cmd := command(env, &cobra.Command{
		Use:   "start PLAN --drill|--recovery",
		Short: "Start a drill or a recovery of a plan, after the provider's conflict and quota checks",
		Long: `start runs a deployed recovery plan (by name or state machine ARN).

Exactly one of --drill and --recovery is required. A RECOVERY launches your
production in the recovery region, so it asks you to type the plan's name
unless --yes is given.

Before starting, the same checks as the Terraform provider run: a server of
the plan in another running or paused execution, or in an active DRS job,
refuses the start (exit 3, naming both); so does too little quota headroom
for the first level. Quota warnings for later levels are printed.

--name gives the execution its name (default: <type>-<UTC time>-<random>,
made before the call). Starting is idempotent per name: when an answer is
lost and the call is retried, it finds the run it started instead of
starting a second one. A name another run of the plan already has is
refused (exit 3).

--from-wave W starts at wave W: the waves W depends on (directly or not)
are taken as recovered and shown as SKIPPED; every other wave runs. To
continue a run that failed, use drsorch retry EXECUTION instead.

--point-in-time T recovers every server from its latest recovery snapshot
taken at or before T (RFC 3339, e.g. 2026-11-30T22:00:00Z): a recovery from
before a ransomware attack. --snapshot SERVER=SNAPSHOT (repeatable) names
the snapshot of one server, and wins over --point-in-time for it. The
snapshots are chosen before the start and printed; a server without a
snapshot at or before T refuses the start (exit 3), naming the server and
its oldest snapshot, and nothing is launched. drsorch status shows the
snapshot each server launched from.

--wait started|paused|completed waits for that milestone; a run that ends
FAILED, TIMED_OUT or ABORTED exits 4.`,
		Args: exactArgs(1, "one PLAN (name or ARN)"),
	}, func(ctx context.Context, s *session, args []string) error {
		runType, err := runTypeOf(drill, recovery)
		if err != nil {
			return err
		}
		milestone, err := parseMilestone(wait)
		if err != nil {
			return err
		}
		p, err := resolvePlan(ctx, s, args[0])
		if err != nil {
			return err
		}
		adopt, err := adoptJobs(ctx, s, p, runType, adoptFrom) // cmd_start_adopt.go
		if err != nil {
			return err
		}
		in := executions.Input{Type: runType, AdoptJobs: adopt}
		if fromWave != "" {
			if in.SkipWaves, err = executions.SkipBefore(p.View, fromWave); err != nil {
				return usageError("--from-wave: %v", err)
			}
			fmt.Fprintf(s.env.Stderr, "Starting at wave %s: %s\n", fromWave, executions.DescribeResume(in))
		}
		req, err := snapshotRequest(pointInTime, snapshots, s.env.now())
		if err != nil {
			return err
		}
		if !req.Empty() {
			chosen, err := executions.ChooseSnapshots(ctx, s.clients.DRS, p.View, req, &in)
			if err != nil {
				return refused("%v", err)
			}
			fmt.Fprintf(s.env.Stderr, "Recovering %d servers from chosen recovery snapshots:\n", len(chosen))
			for _, line := range executions.DescribeSnapshots(chosen) {
				fmt.Fprintln(s.env.Stderr, "  "+line)
			}
		}
		return startRun(ctx, s, p, in, name, yes, milestone)
	})
	f := cmd.Flags()
	f.BoolVar(&drill, "drill", false, "start a DRILL (recovery instances are tests; terminate them afterwards)")
	f.BoolVar(&recovery, "recovery", false, "start a RECOVERY (for real: asks for confirmation unless --yes)")
	f.BoolVar(&yes, "yes", false, "do not ask for confirmation")
	f.StringVar(&wait, "wait", "", "wait until the run is started, paused or completed")
	f.StringVar(&name, "name", "", "execution name (default: <type>-<UTC time>-<random>); the same name never starts a second run")
	f.StringVar(&fromWave, "from-wave", "", "WAVE to start at: the waves it depends on are taken as recovered (SKIPPED)")
	f.StringVar(&pointInTime, "point-in-time", "", "T (RFC 3339): recover each server from its latest recovery snapshot taken at or before T")
	f.StringArrayVar(&snapshots, "snapshot", nil, "SERVER=SNAPSHOT: recover source server SERVER from recovery snapshot SNAPSHOT (repeatable)")
	f.StringVar(&adoptFrom, "adopt-jobs-from", "", "EXECUTION that failed: its waves whose DRS job may still run (read failures, stopped waves) follow that job instead of starting another")
	return cmd
}

// startRun starts a run of p with input in (its InvokedBy set here, from
// the caller's identity) after the plan-time checks and, for a RECOVERY,
// the operator's confirmation; then shows it or waits for milestone.
func startRun(ctx context.Context, s *session, p *plan, in executions.Input, name string, yes bool, milestone executions.Milestone) error {
	runType := in.Type
	if err := preflight(ctx, s, p, in.AdoptJobs); err != nil {
		return err
	}
	if runType == executions.TypeRecovery && !yes {
		if err := confirm(s.env, fmt.Sprintf("This starts a RECOVERY of plan %s: production instances will be launched in %s.", p.Name, s.clients.Region), p.Name); err != nil {
			return err
		}
	}
	by, err := callerARN(ctx, s)
	if err != nil {
		return err
	}
	in.InvokedBy = by
	// Named here, before the call: a retried StartExecution (its
	// answer lost) finds this run instead of starting a second.
	if name == "" {
		name = executions.NewName(runType, s.env.now())
	} else if err := executions.ValidateName(name); err != nil {
		return usageError("--name: %v", err)
	}
	c := s.exec()
	c.Warn = func(msg string) { fmt.Fprintln(s.env.Stderr, "warning: "+msg) }
	arn, err := executions.StartWith(ctx, c, p.ARN, name, in)
	var unknown *executions.UnknownOutcomeError
	switch {
	case errors.As(err, &unknown):
		return apiError("start "+runType+" of plan "+p.Name, fmt.Errorf("%w\nrunning the same command again with --name %s is safe: it never starts a second run", err, name))
	case errors.Is(err, executions.ErrNameTaken):
		return refused("%v", err)
	case err != nil:
		return apiError("start "+runType+" of plan "+p.Name, err)
	}
	if milestone == "" {
		e, err := describe(ctx, s, arn)
		if err != nil {
			return err
		}
		if s.flags.json {
			return writeJSON(s.env.Stdout, executionJSON(e))
		}
		fmt.Fprintf(s.env.Stdout, "Started %s %s of plan %s\n  %s\nFollow it with:\n  drsorch status %s --watch\n", runType, e.Name, p.Name, arn, shellQuote(arn))
		return nil
	}
	if !s.flags.json {
		fmt.Fprintf(s.env.Stderr, "Started %s %s; waiting until %s.\n", runType, arn, milestone)
	}
	return waitAndShow(ctx, s, arn, milestone)
}

// snapshotRequest reads --point-in-time and --snapshot.
func snapshotRequest(pointInTime string, snapshots []string, now time.Time) (executions.SnapshotRequest, error) {
	var req executions.SnapshotRequest
	if pointInTime != "" {
		t, err := executions.ParsePointInTime(pointInTime, now)
		if err != nil {
			return req, usageError("--point-in-time: %v", err)
		}
		req.PointInTime = t
	}
	for _, kv := range snapshots {
		server, snap, ok := strings.Cut(kv, "=")
		if !ok || server == "" || snap == "" {
			return req, usageError("--snapshot %q: write SERVER=SNAPSHOT, e.g. s-0123456789abcdef0=pit-0123456789abcdefg", kv)
		}
		if err := executions.ValidateSnapshotID(snap); err != nil {
			return req, usageError("--snapshot %s: %v", kv, err)
		}
		if req.Servers == nil {
			req.Servers = map[string]string{}
		}
		if prev, dup := req.Servers[server]; dup && prev != snap {
			return req, usageError("--snapshot: source server %s is given two snapshots (%s and %s)", server, prev, snap)
		}
		req.Servers[server] = snap
	}
	return req, nil
}

func runTypeOf(drill, recovery bool) (string, error) {
	switch {
	case drill && recovery:
		return "", usageError("give only one of --drill and --recovery")
	case drill:
		return executions.TypeDrill, nil
	case recovery:
		return executions.TypeRecovery, nil
	}
	return "", usageError("say what to start: --drill (a test) or --recovery (for real)")
}

func parseMilestone(s string) (executions.Milestone, error) {
	switch m := executions.Milestone(s); m {
	case "", executions.UntilStarted, executions.UntilPaused, executions.UntilCompleted:
		return m, nil
	}
	return "", usageError("--wait %q: use started, paused or completed", s)
}

// preflight runs the provider's plan-time checks (the console runs the
// same, internal/startcheck): busy servers and quota headroom refuse;
// quota warnings are printed.
func preflight(ctx context.Context, s *session, p *plan, adopt map[string]string) error {
	res, err := startcheck.Run(ctx, s.exec(), p.View, adopt)
	if err != nil {
		return apiError("check the plan before starting", err)
	}
	if len(res.Conflicts) > 0 {
		lines := make([]string, len(res.Conflicts))
		for i, c := range res.Conflicts {
			lines[i] = "  " + c.String()
		}
		return refused("plan %s cannot start: DRS runs one job per source server, and %d of its servers are busy:\n%s\nwait for that run to end, or cancel it (drsorch cancel EXEC)",
			p.Name, len(res.Conflicts), strings.Join(lines, "\n"))
	}
	for _, pr := range res.Warnings {
		fmt.Fprintf(s.env.Stderr, "warning: %s: %s\n", pr.Summary, pr.Detail)
	}
	if len(res.Errors) > 0 {
		errs := make([]string, len(res.Errors))
		for i, pr := range res.Errors {
			errs[i] = "  " + pr.Error()
		}
		return refused("plan %s cannot start now: not enough DRS quota headroom:\n%s", p.Name, strings.Join(errs, "\n"))
	}
	return nil
}

// confirm asks the operator to type want; anything else declines.
func confirm(env *Env, what, want string) error {
	fmt.Fprintf(env.Stderr, "%s\nType the plan name (%s) to continue: ", what, want)
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if strings.TrimSpace(line) == want {
		return nil
	}
	if err != nil && strings.TrimSpace(line) == "" {
		return refused("confirmation declined (no input); pass --yes to skip the question in scripts")
	}
	return refused("confirmation declined: typed %q, not %q", strings.TrimSpace(line), want)
}

// waitAndShow waits for the milestone, printing progress, then shows the
// execution; an execution that ended badly exits 4.
func waitAndShow(ctx context.Context, s *session, arn string, m executions.Milestone) error {
	progress := func(e *executions.Execution) {
		if !s.flags.json {
			fmt.Fprintln(s.env.Stderr, progressLine(e, s.env.now()))
		}
	}
	e, err := executions.Wait(ctx, s.exec(), arn, m, s.flags.poll, progress)
	if err != nil {
		if ctx.Err() != nil {
			return &ExitError{Code: ExitInterrupted, Err: fmt.Errorf("stopped waiting; the execution keeps running: %s", arn)}
		}
		return describeError(arn, err)
	}
	if err := show(s, e); err != nil {
		return err
	}
	return endedBadly(e)
}

func show(s *session, e *executions.Execution) error {
	if s.flags.json {
		return writeJSON(s.env.Stdout, executionJSON(e))
	}
	renderExecution(s.env.Stdout, e, s.env.now(), painter(s.env.colour(s.env.Stdout)))
	return nil
}

// endedBadly is exit code 4 for a run that failed, timed out or was
// stopped.
func endedBadly(e *executions.Execution) error {
	if e.Running() || e.Status == "SUCCEEDED" {
		return nil
	}
	return withCode(ExitRunFailed, "execution %s ended %s", e.Name, e.Phase())
}
