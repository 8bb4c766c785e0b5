package cli

import (
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// The JSON shapes below are the stable --json output: field names do not
// change; new fields may be added. Times are RFC 3339 in UTC, null when
// unknown.

// ExecutionJSON is an execution as `status --json` and `start --json`
// print it.
type ExecutionJSON struct {
	ARN     string `json:"arn"`
	Name    string `json:"name"`
	Plan    string `json:"plan"`
	PlanARN string `json:"plan_arn"`
	// StateMachineVersionARN is the version of the plan the run started
	// on; "" for a run on the unqualified ARN (a plan without versions).
	StateMachineVersionARN string `json:"state_machine_version_arn"`
	Type                   string `json:"type"`
	// Status is the Step Functions status: RUNNING, SUCCEEDED, FAILED,
	// TIMED_OUT, ABORTED.
	Status string `json:"status"`
	// Phase is drsorch's one-line status, e.g. "PAUSED before wave web".
	Phase         string `json:"phase"`
	PausedBefore  string `json:"paused_before"`
	ResumeCommand string `json:"resume_command"`
	InvokedBy     string `json:"invoked_by"`
	// PointInTime is the point in time the run recovers from (RFC 3339),
	// "" when none was asked.
	PointInTime string     `json:"point_in_time,omitempty"`
	StartedAt   *time.Time `json:"started_at"`
	StoppedAt   *time.Time `json:"stopped_at"`
	Error       string     `json:"error"`
	Cause       string     `json:"cause"`
	Waves       []WaveJSON `json:"waves"`
	// Failures lists each failed source server with DRS's error text for
	// it (status only; empty elsewhere).
	Failures []FailureJSON `json:"failures"`
}

// FailureJSON is one failed source server and why, in DRS's words.
type FailureJSON struct {
	Wave           string `json:"wave"`
	JobID          string `json:"job_id"`
	SourceServerID string `json:"source_server_id"`
	// Event is the job log event that carried the error, e.g. LAUNCH_FAILED.
	Event string `json:"event"`
	// Error is the event's rawError.
	Error string `json:"error"`
}

// WaveJSON is one wave of an execution.
type WaveJSON struct {
	Name string `json:"name"`
	// Level is 1-based: waves of one level run together.
	Level int `json:"level"`
	// Status: PENDING, PAUSED, RUNNING, RECOVERED, FAILED, TIMED_OUT,
	// CANCELLED, SKIPPED (recovered earlier: RecoveredIn says where).
	Status      string       `json:"status"`
	RecoveredIn string       `json:"recovered_in,omitempty"`
	PauseBefore bool         `json:"pause_before"`
	JobID       string       `json:"job_id"`
	StartedAt   *time.Time   `json:"started_at"`
	EndedAt     *time.Time   `json:"ended_at"`
	Error       string       `json:"error"`
	Cause       string       `json:"cause"`
	Servers     []ServerJSON `json:"servers"`
	// Steps are the wave's post-launch steps and health checks, in order.
	Steps []StepJSON `json:"steps"`
	// Approval released the wave's pause gate; null while not approved.
	Approval *ApprovalJSON `json:"approval"`
}

// ApprovalJSON is who released a pause gate (the approver's identity from
// STS GetCallerIdentity), when, and any free-text reason.
type ApprovalJSON struct {
	Wave       string     `json:"wave"`
	ApprovedBy string     `json:"approved_by"`
	ApprovedAt *time.Time `json:"approved_at"`
	Reason     string     `json:"reason"`
}

func approvalJSON(wave string, a *executions.Approval) *ApprovalJSON {
	if a == nil {
		return nil
	}
	if a.Wave != "" {
		wave = a.Wave
	}
	return &ApprovalJSON{Wave: wave, ApprovedBy: a.ApprovedBy, ApprovedAt: timePtr(a.ApprovedAt), Reason: a.Reason}
}

// StepJSON is one post-launch step or health check of a wave. Status is
// PENDING, NOT_RUN (after a failed step), FAILED (detail holds the
// cause, output included) or the SSM status it ended with (Success).
type StepJSON struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Document string `json:"document"`
	Check    string `json:"check,omitempty"`
	ID       string `json:"ssm_id"`
	Status   string `json:"status"`
	Detail   string `json:"detail,omitempty"`
}

// ServerJSON is one source server of a wave and what its launch made.
type ServerJSON struct {
	SourceServerID     string `json:"source_server_id"`
	LaunchStatus       string `json:"launch_status"`
	RecoveryInstanceID string `json:"recovery_instance_id"`
	EC2InstanceID      string `json:"ec2_instance_id"`
	EC2InstanceState   string `json:"ec2_instance_state"`
	// RecoverySnapshotID is the recovery snapshot the server launches
	// from ("" for the latest data); SnapshotTime is the point in time
	// its recovery instance holds (pointInTimeSnapshotDateTime).
	RecoverySnapshotID string `json:"recovery_snapshot_id,omitempty"`
	SnapshotTime       string `json:"snapshot_time,omitempty"`
	// LaunchActions are DRS's launch action (post-launch action) runs on
	// the recovery instance, in order.
	LaunchActions []LaunchActionJSON `json:"launch_actions,omitempty"`
}

// LaunchActionJSON is one DRS launch action run. Status is IN_PROGRESS,
// SUCCEEDED or FAILED; a failed action that must succeed fails the
// server's launch.
type LaunchActionJSON struct {
	Name          string `json:"name"`
	Document      string `json:"document"`
	Order         int32  `json:"order"`
	MustSucceed   bool   `json:"must_succeed"`
	Status        string `json:"status"`
	FailureReason string `json:"failure_reason,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func executionJSON(e *executions.Execution) ExecutionJSON {
	out := ExecutionJSON{
		ARN: e.ARN, Name: e.Name, Plan: e.Plan, PlanARN: e.PlanARN, StateMachineVersionARN: e.VersionARN, Type: e.Type,
		Status: string(e.Status), Phase: e.Phase(), PausedBefore: e.PausedBefore(),
		InvokedBy: e.InvokedBy, PointInTime: e.PointInTime, StartedAt: timePtr(e.StartedAt), StoppedAt: timePtr(e.StoppedAt),
		Error: e.Error, Cause: e.Cause, Waves: []WaveJSON{}, Failures: []FailureJSON{},
	}
	if out.PausedBefore != "" {
		out.ResumeCommand = resumeCommand(e.ARN, out.PausedBefore)
	}
	for _, w := range e.Waves {
		wj := WaveJSON{Name: w.Name, Level: w.Level, Status: w.Status, PauseBefore: w.PauseBefore, JobID: w.JobID,
			StartedAt: timePtr(w.StartedAt), EndedAt: timePtr(w.EndedAt), Error: w.Error, Cause: w.Cause, Servers: []ServerJSON{},
			Approval: approvalJSON(w.Name, w.Approval), RecoveredIn: w.RecoveredIn, Steps: []StepJSON{}}
		for _, st := range w.Steps {
			wj.Steps = append(wj.Steps, StepJSON{Name: st.Name, Kind: st.Kind, Document: st.Document, Check: st.Check, ID: st.ID, Status: st.Status, Detail: st.Detail})
		}
		for _, s := range w.Servers {
			wj.Servers = append(wj.Servers, serverJSON(s))
		}
		out.Waves = append(out.Waves, wj)
	}
	return out
}

func serverJSON(s executions.Server) ServerJSON {
	return ServerJSON{SourceServerID: s.SourceServerID, LaunchStatus: s.LaunchStatus, RecoveryInstanceID: s.RecoveryInstanceID,
		EC2InstanceID: s.EC2InstanceID, EC2InstanceState: s.EC2InstanceState,
		RecoverySnapshotID: s.RecoverySnapshotID, SnapshotTime: s.SnapshotTime, LaunchActions: launchActionsJSON(s.LaunchActions)}
}

func launchActionsJSON(runs []executions.LaunchActionRun) []LaunchActionJSON {
	var out []LaunchActionJSON
	for _, r := range runs {
		out = append(out, LaunchActionJSON{Name: r.Name, Document: r.Document, Order: r.Order, MustSucceed: r.MustSucceed, Status: r.Status, FailureReason: r.FailureReason})
	}
	return out
}

// resumeCommand is the exact command that releases a paused wave.
func resumeCommand(arn, wave string) string {
	return "drsorch resume " + shellQuote(arn) + " --wave " + shellQuote(wave)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:/=@+,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	out := "'"
	for _, r := range s {
		if r == '\'' {
			out += `'\''`
		} else {
			out += string(r)
		}
	}
	return out + "'"
}
