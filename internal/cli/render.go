package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// ANSI colours for statuses; used only on terminals without NO_COLOR.
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
)

type painter bool

// status colours a status word by what it means for the operator.
func (p painter) status(s string) string {
	if !p {
		return s
	}
	colour := ""
	switch {
	case strings.HasPrefix(s, "SUCCEEDED"), strings.HasPrefix(s, "RECOVERED"):
		colour = ansiGreen
	case strings.HasPrefix(s, "FAILED"), strings.HasPrefix(s, "TIMED_OUT"), strings.HasPrefix(s, "ABORTED"), strings.HasPrefix(s, "CANCELLED"):
		colour = ansiRed
	case strings.HasPrefix(s, "PAUSED"), strings.HasPrefix(s, "RUNNING"):
		colour = ansiYellow
	default:
		return s
	}
	return colour + s + ansiReset
}

func (p painter) bold(s string) string {
	if !p {
		return s
	}
	return ansiBold + s + ansiReset
}

const timeLayout = "2006-01-02 15:04:05 UTC"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(timeLayout)
}

func clockTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("15:04:05")
}

// formatDuration rounds to what a person wants to read: seconds below an
// hour, minutes above.
func formatDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// versionLine says which version of the plan a run started on.
func versionLine(versionARN string) string {
	if n := executions.VersionNumber(versionARN); n > 0 {
		return fmt.Sprintf("%d (%s)", n, versionARN)
	}
	return "- (started on the unqualified state machine: the plan has no published version)"
}

// renderExecution is the per-wave, per-server view of an execution.
func renderExecution(w io.Writer, e *executions.Execution, now time.Time, p painter) {
	fmt.Fprintf(w, "%s  %s of plan %s\n", p.bold(e.Name), orDash(e.Type), e.Plan)
	fmt.Fprintf(w, "  ARN      %s\n", e.ARN)
	fmt.Fprintf(w, "  Version  %s\n", versionLine(e.VersionARN))
	fmt.Fprintf(w, "  Status   %s\n", p.status(e.Phase()))
	fmt.Fprintf(w, "  Started  %s by %s\n", formatTime(e.StartedAt), orDash(e.InvokedBy))
	if e.Running() {
		// Against a run service whose simulated clock runs ahead of this
		// machine's, the elapsed time is unknown: say nothing.
		if d := now.Sub(e.StartedAt); d >= 0 {
			fmt.Fprintf(w, "  Running  for %s\n", formatDuration(d))
		}
	} else {
		fmt.Fprintf(w, "  Stopped  %s (after %s)\n", formatTime(e.StoppedAt), formatDuration(e.StoppedAt.Sub(e.StartedAt)))
	}
	if e.Error != "" || e.Cause != "" {
		fmt.Fprintf(w, "  Error    %s: %s\n", e.Error, e.Cause)
	}
	snapshots := e.PointInTime != ""
	for _, wave := range e.Waves {
		for _, s := range wave.Servers {
			snapshots = snapshots || s.RecoverySnapshotID != ""
		}
	}
	if e.PointInTime != "" {
		fmt.Fprintf(w, "  From     the latest snapshot at or before %s (point in time)\n", e.PointInTime)
	}
	for _, wave := range e.Waves {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "Wave %s (level %d)  %s", p.bold(wave.Name), wave.Level, p.status(wave.Status))
		if wave.JobID != "" {
			fmt.Fprintf(w, "  job %s", wave.JobID)
		}
		if !wave.StartedAt.IsZero() {
			fmt.Fprintf(w, "  %s → %s", clockTime(wave.StartedAt), clockTime(wave.EndedAt))
		}
		if wave.PauseBefore && wave.Status == executions.WavePending && wave.JobID == "" {
			fmt.Fprint(w, "  (pauses for approval first)")
		}
		if wave.Status == executions.WaveSkipped {
			fmt.Fprintf(w, "  (recovered earlier in %s)", wave.RecoveredIn)
		}
		fmt.Fprintln(w)
		if a := wave.Approval; a != nil {
			fmt.Fprintf(w, "  %s\n", approvalLine(*a))
		}
		if wave.Cause != "" {
			fmt.Fprintf(w, "  %s: %s\n", wave.Error, wave.Cause)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		header := "  SOURCE SERVER\tLAUNCH\tRECOVERY INSTANCE\tEC2 INSTANCE\tSTATE"
		if snapshots {
			header += "\tSNAPSHOT"
		}
		fmt.Fprintln(tw, header)
		for _, s := range wave.Servers {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s", s.SourceServerID, orDash(s.LaunchStatus),
				orDash(s.RecoveryInstanceID), orDash(s.EC2InstanceID), orDash(s.EC2InstanceState))
			if snapshots {
				fmt.Fprintf(tw, "\t%s", snapshotCell(s))
			}
			fmt.Fprintln(tw)
		}
		_ = tw.Flush()
		renderLaunchActions(w, wave.Servers, p)
		renderSteps(w, wave.Steps, p)
	}
	if wave := e.PausedBefore(); wave != "" {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "Paused before wave %s, waiting for approval. To continue:\n", wave)
		fmt.Fprintf(w, "  %s\n", resumeCommand(e.ARN, wave))
	}
}

// renderLaunchActions lists DRS's launch action (post-launch action) runs
// of a wave's servers, with the reason of each failed one.
func renderLaunchActions(w io.Writer, servers []executions.Server, p painter) {
	has := false
	for _, s := range servers {
		has = has || len(s.LaunchActions) > 0
	}
	if !has {
		return
	}
	fmt.Fprintln(w, "  DRS post-launch actions:")
	for _, s := range servers {
		for _, r := range s.LaunchActions {
			kind := "optional"
			if r.MustSucceed {
				kind = "must succeed"
			}
			fmt.Fprintf(w, "    %s  %d %s (%s, %s)  %s", s.SourceServerID, r.Order, r.Name, r.Document, kind, p.status(r.Status))
			if r.FailureReason != "" {
				fmt.Fprintf(w, ": %s", r.FailureReason)
			}
			fmt.Fprintln(w)
		}
	}
}

// snapshotCell is the snapshot a server launches from and, once its
// instance exists, the point in time the instance holds.
func snapshotCell(s executions.Server) string {
	switch {
	case s.RecoverySnapshotID == "":
		return "latest data"
	case s.SnapshotTime != "":
		return s.RecoverySnapshotID + " (" + s.SnapshotTime + ")"
	}
	return s.RecoverySnapshotID
}

// renderFailures lists each failed source server with DRS's error for it.
func renderFailures(w io.Writer, failures []executions.ServerFailure) {
	if len(failures) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Failed servers (DRS job log):")
	for _, f := range failures {
		why := "DRS gave no error text"
		if f.Error != "" {
			why = f.Event + ": " + f.Error
		}
		fmt.Fprintf(w, "  %s (wave %s, job %s): %s\n", f.SourceServerID, f.Wave, f.JobID, why)
	}
}

// approvalLine says who released a pause gate, when, and why.
func approvalLine(a executions.Approval) string {
	line := "Approved by " + orDash(a.ApprovedBy)
	if !a.ApprovedAt.IsZero() {
		line += " at " + formatTime(a.ApprovedAt)
	}
	if a.Reason != "" {
		line += " (" + a.Reason + ")"
	}
	return line
}

// progressLine is one line of progress while waiting.
func progressLine(e *executions.Execution, now time.Time) string {
	var parts []string
	for _, w := range e.Waves {
		launched := 0
		for _, s := range w.Servers {
			if s.LaunchStatus == "LAUNCHED" {
				launched++
			}
		}
		parts = append(parts, fmt.Sprintf("%s %s %d/%d", w.Name, w.Status, launched, len(w.Servers)))
	}
	return fmt.Sprintf("%s  %s: %s [%s]", now.UTC().Format("15:04:05"), e.Name, e.Phase(), strings.Join(parts, "; "))
}

// renderSteps lists a wave's post-launch steps and health checks with
// their outcome; the failed one's output is in the wave's cause above.
func renderSteps(w io.Writer, steps []executions.Step, p painter) {
	if len(steps) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  STEP	DOCUMENT	CHECK	SSM ID	OUTCOME")
	for _, s := range steps {
		doc := s.Kind + " " + s.Document
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", s.Name, doc, orDash(s.Check), orDash(s.ID), p.status(s.Status))
	}
	_ = tw.Flush()
}
