// Package report builds the record of one drill or recovery: when each
// wave and server ran, paused, launched or failed, how long recovery took
// against an RTO target, who approved each gate, and DRS's job events.
// It renders the record as a self-contained HTML page (with the timeline as
// inline SVG), as JSON, and as JUnit XML for CI systems.
//
// It reads only through the public API of internal/executions and the DRS
// client, so it works the same against AWS and `drsorch serve`.
package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// Report is the record of one execution. Its JSON form is the report's
// JSON file.
type Report struct {
	Execution   Execution    `json:"execution"`
	Target      Target       `json:"rto"`
	Recovery    Duration     `json:"recoveryTime"`     // execution start → last wave done
	Paused      Duration     `json:"pausedTime"`       // waiting at pause gates
	MetRTO      *bool        `json:"metRto,omitempty"` // nil without a target
	Waves       []Wave       `json:"waves"`
	Approvals   []Approval   `json:"approvals"`
	Events      []Event      `json:"jobEvents"`
	EventsError string       `json:"jobEventsError,omitempty"` // why the events are missing
	GeneratedAt time.Time    `json:"generatedAt"`
	Span        [2]time.Time `json:"-"`       // the timeline's time range
	Outcome     string       `json:"outcome"` // passed, failed, running
	Problems    []string     `json:"problems,omitempty"`
	byServer    map[string]*Server
}

// Execution is what the report says about the run itself.
type Execution struct {
	ARN        string    `json:"arn"`
	Name       string    `json:"name"`
	Plan       string    `json:"plan"`
	Type       string    `json:"type"`
	Status     string    `json:"status"`
	InvokedBy  string    `json:"invokedBy,omitempty"`
	StartedAt  time.Time `json:"startedAt"`
	StoppedAt  time.Time `json:"stoppedAt,omitzero"`
	Error      string    `json:"error,omitempty"`
	Cause      string    `json:"cause,omitempty"`
	VersionARN string    `json:"versionArn,omitempty"`
}

// Target is the recovery time objective: for the whole run and per wave.
// The plan version the run executed carries it (the rto attributes of
// drsorch_recovery_plan, PlanTarget); a caller may override any part
// (--rto, --wave-rto).
type Target struct {
	Total Duration            `json:"total,omitzero"`
	Waves map[string]Duration `json:"waves,omitempty"`
	// Source says where the targets came from: "plan", "override" or
	// "plan+override"; empty without targets.
	Source string `json:"source,omitempty"`
}

// Set reports whether there is any target.
func (t Target) Set() bool { return t.Total > 0 || len(t.Waves) > 0 }

// PlanTarget is the RTO the plan version e ran carries.
func PlanTarget(e *executions.Execution) Target {
	t := Target{Total: Duration(e.RTO)}
	for _, w := range e.Waves {
		if w.RTO > 0 {
			if t.Waves == nil {
				t.Waves = map[string]Duration{}
			}
			t.Waves[w.Name] = Duration(w.RTO)
		}
	}
	if t.Set() {
		t.Source = "plan"
	}
	return t
}

// Over lays t's targets over base's: each one t sets wins.
func (t Target) Over(base Target) Target {
	if !t.Set() {
		return base
	}
	out := Target{Total: base.Total, Source: "override"}
	if base.Set() {
		out.Source = "plan+override"
	}
	if t.Total > 0 {
		out.Total = t.Total
	}
	for _, m := range []map[string]Duration{base.Waves, t.Waves} {
		for w, d := range m {
			if out.Waves == nil {
				out.Waves = map[string]Duration{}
			}
			out.Waves[w] = d
		}
	}
	return out
}

// Wave is one wave's run.
type Wave struct {
	Name        string    `json:"name"`
	Level       int       `json:"level"`
	Status      string    `json:"status"`
	PauseBefore bool      `json:"pauseBefore"`
	PausedAt    time.Time `json:"pausedAt,omitzero"` // when its gate began waiting (estimated: see pauseStart)
	ApprovedAt  time.Time `json:"approvedAt,omitzero"`
	ApprovedBy  string    `json:"approvedBy,omitempty"`
	ApprovalWhy string    `json:"approvalReason,omitempty"`
	StartedAt   time.Time `json:"startedAt,omitzero"` // recovery job started
	EndedAt     time.Time `json:"endedAt,omitzero"`
	Took        Duration  `json:"took"`
	Target      Duration  `json:"rto,omitzero"`
	MetRTO      *bool     `json:"metRto,omitempty"`
	JobID       string    `json:"jobId,omitempty"`
	Error       string    `json:"error,omitempty"`
	Cause       string    `json:"cause,omitempty"`
	Servers     []Server  `json:"servers"`
}

// Server is one source server's recovery in its wave.
type Server struct {
	ID                 string    `json:"sourceServerId"`
	Hostname           string    `json:"hostname,omitempty"`
	Wave               string    `json:"wave"`
	LaunchStatus       string    `json:"launchStatus"`
	RecoveryInstanceID string    `json:"recoveryInstanceId,omitempty"`
	EC2InstanceID      string    `json:"ec2InstanceId,omitempty"`
	EC2InstanceState   string    `json:"ec2InstanceState,omitempty"`
	FirstEventAt       time.Time `json:"firstEventAt,omitzero"` // its first job event (snapshot, conversion)
	LaunchedAt         time.Time `json:"launchedAt,omitzero"`   // LAUNCH_START
	FailedAt           time.Time `json:"failedAt,omitzero"`     // a *_FAIL* event
	Failure            string    `json:"failure,omitempty"`
	// LaunchActions are DRS's post-launch action runs on its instance.
	LaunchActions []LaunchAction `json:"launchActions,omitempty"`
}

// LaunchAction is one run of a DRS launch action (post-launch action).
type LaunchAction struct {
	Name          string `json:"name"`
	Document      string `json:"document"`
	MustSucceed   bool   `json:"mustSucceed"`
	Status        string `json:"status"` // IN_PROGRESS, SUCCEEDED or FAILED
	FailureReason string `json:"failureReason,omitempty"`
}

// Recovered reports whether the server came back.
func (s Server) Recovered() bool { return s.LaunchStatus == "LAUNCHED" }

// Approval is one approved pause gate.
type Approval struct {
	Wave       string    `json:"wave"`
	ApprovedBy string    `json:"approvedBy"`
	ApprovedAt time.Time `json:"approvedAt"`
	Reason     string    `json:"reason,omitempty"` // where it came from, or the approver's note
}

// Event is one DRS job log item.
type Event struct {
	At       time.Time `json:"at"`
	Wave     string    `json:"wave"`
	JobID    string    `json:"jobId"`
	Event    string    `json:"event"`
	ServerID string    `json:"sourceServerId,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// Duration is a time.Duration that reads well in JSON ("4m30s") and
// carries seconds too.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{"text":%q,"seconds":%d}`, time.Duration(d).Round(time.Second).String(), int64(time.Duration(d).Round(time.Second).Seconds()))), nil
}

func (d Duration) String() string { return FormatDuration(time.Duration(d)) }

// FormatDuration is short and readable: 45s, 3m 12s, 2h 05m.
func FormatDuration(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}

// Collect reads an execution, its servers' hostnames and its DRS job
// events, and builds the report. now ends the bars of what still runs;
// override's targets replace the plan's (see Build).
func Collect(ctx context.Context, c executions.Clients, arn string, override Target, now time.Time) (*Report, error) {
	e, err := executions.Describe(ctx, c, arn)
	if err != nil {
		return nil, fmt.Errorf("read execution %s: %w", arn, err)
	}
	var ids []string
	for _, s := range e.Servers() {
		ids = append(ids, s.SourceServerID)
	}
	hosts := map[string]string{}
	if servers, err := drsapi.ListSourceServers(ctx, c.DRS, ids); err == nil {
		for _, s := range servers {
			hosts[aws.ToString(s.SourceServerID)] = drsapi.Hostname(s)
		}
	}
	events, evErr := JobEvents(ctx, c.DRS, e)
	r := Build(e, hosts, events, override, now)
	if evErr != nil {
		r.EventsError = "could not read the DRS job events: " + evErr.Error()
	}
	return r, nil
}

// JobEvents reads the log of every wave's DRS job (DescribeJobLogItems),
// merged in time order.
func JobEvents(ctx context.Context, api *drs.Client, e *executions.Execution) ([]Event, error) {
	var out []Event
	for _, w := range e.Waves {
		if w.JobID == "" {
			continue
		}
		pages := drs.NewDescribeJobLogItemsPaginator(api, &drs.DescribeJobLogItemsInput{JobID: aws.String(w.JobID)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return out, err
			}
			for _, item := range page.Items {
				ev := Event{At: parseTime(aws.ToString(item.LogDateTime)), Wave: w.Name, JobID: w.JobID, Event: string(item.Event)}
				if d := item.EventData; d != nil {
					ev.ServerID = aws.ToString(d.SourceServerID)
					var parts []string
					if v := aws.ToString(d.TargetInstanceID); v != "" {
						parts = append(parts, "instance "+v)
					}
					if v := aws.ToString(d.ConversionServerID); v != "" {
						parts = append(parts, "conversion server "+v)
					}
					if v := aws.ToString(d.RawError); v != "" {
						parts = append(parts, v)
					}
					ev.Detail = strings.Join(parts, " · ")
				}
				out = append(out, ev)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// Build assembles the report from what was read. The RTO targets are the
// plan's (PlanTarget), with each one override sets in their place.
func Build(e *executions.Execution, hosts map[string]string, events []Event, override Target, now time.Time) *Report {
	target := override.Over(PlanTarget(e))
	r := &Report{
		Execution: Execution{ARN: e.ARN, Name: e.Name, Plan: e.Plan, Type: e.Type, Status: string(e.Status), InvokedBy: e.InvokedBy,
			StartedAt: e.StartedAt, StoppedAt: e.StoppedAt, Error: e.Error, Cause: e.Cause, VersionARN: e.VersionARN},
		Target: target, Events: events, GeneratedAt: now, byServer: map[string]*Server{},
	}
	end := e.StoppedAt
	if end.IsZero() {
		end = now
	}
	// A gate starts waiting when the waves before it are done: the latest
	// end among lower levels, else the execution's start. The public
	// status has no timestamp of its own for this.
	levelEnd := map[int]time.Time{}
	for _, w := range e.Waves {
		if w.EndedAt.After(levelEnd[w.Level]) {
			levelEnd[w.Level] = w.EndedAt
		}
	}
	pauseStart := func(level int) time.Time {
		t := e.StartedAt
		for l, end := range levelEnd {
			if l < level && end.After(t) {
				t = end
			}
		}
		return t
	}
	var lastEnd time.Time
	for _, w := range e.Waves {
		wr := Wave{Name: w.Name, Level: w.Level, Status: w.Status, PauseBefore: w.PauseBefore, StartedAt: w.StartedAt, EndedAt: w.EndedAt,
			JobID: w.JobID, Error: w.Error, Cause: w.Cause}
		if w.PauseBefore && (w.Approval != nil || w.Status == executions.WavePaused) {
			wr.PausedAt = pauseStart(w.Level)
		}
		if a := w.Approval; a != nil {
			wr.ApprovedAt, wr.ApprovedBy, wr.ApprovalWhy = a.ApprovedAt, a.ApprovedBy, a.Reason
			r.Approvals = append(r.Approvals, Approval{Wave: w.Name, ApprovedBy: a.ApprovedBy, ApprovedAt: a.ApprovedAt, Reason: a.Reason})
			if !wr.PausedAt.IsZero() && a.ApprovedAt.After(wr.PausedAt) {
				r.Paused += Duration(a.ApprovedAt.Sub(wr.PausedAt))
			}
		} else if w.Status == executions.WavePaused {
			r.Paused += Duration(end.Sub(wr.PausedAt))
		}
		if !w.StartedAt.IsZero() {
			stop := w.EndedAt
			if stop.IsZero() {
				stop = end
			}
			wr.Took = Duration(stop.Sub(w.StartedAt))
		}
		if t, ok := target.Waves[w.Name]; ok && t > 0 {
			wr.Target = t
			if !w.EndedAt.IsZero() && w.Status == executions.WaveRecovered {
				met := wr.Took <= t
				wr.MetRTO = &met
			} else if w.Status != executions.WavePending && w.Status != executions.WaveRunning && w.Status != executions.WavePaused {
				met := false
				wr.MetRTO = &met
			}
		}
		for _, s := range w.Servers {
			sr := Server{ID: s.SourceServerID, Hostname: hosts[s.SourceServerID], Wave: w.Name, LaunchStatus: s.LaunchStatus,
				RecoveryInstanceID: s.RecoveryInstanceID, EC2InstanceID: s.EC2InstanceID, EC2InstanceState: s.EC2InstanceState}
			for _, a := range s.LaunchActions {
				sr.LaunchActions = append(sr.LaunchActions, LaunchAction{Name: a.Name, Document: a.Document, MustSucceed: a.MustSucceed,
					Status: a.Status, FailureReason: a.FailureReason})
			}
			wr.Servers = append(wr.Servers, sr)
		}
		if w.EndedAt.After(lastEnd) {
			lastEnd = w.EndedAt
		}
		r.Waves = append(r.Waves, wr)
	}
	for i := range r.Waves {
		for j := range r.Waves[i].Servers {
			s := &r.Waves[i].Servers[j]
			r.byServer[s.Wave+"/"+s.ID] = s
		}
	}
	for _, ev := range events {
		s := r.byServer[ev.Wave+"/"+ev.ServerID]
		if s == nil {
			continue
		}
		if s.FirstEventAt.IsZero() || ev.At.Before(s.FirstEventAt) {
			s.FirstEventAt = ev.At
		}
		switch {
		case ev.Event == "LAUNCH_START" && s.LaunchedAt.IsZero():
			s.LaunchedAt = ev.At
		case strings.Contains(ev.Event, "FAIL") && s.FailedAt.IsZero():
			s.FailedAt, s.Failure = ev.At, strings.TrimSpace(ev.Event+" "+ev.Detail)
		}
	}

	switch {
	case e.Running():
		r.Outcome = "running"
		r.Recovery = Duration(now.Sub(e.StartedAt))
	case string(e.Status) == "SUCCEEDED":
		r.Outcome = "passed"
		r.Recovery = Duration(lastEnd.Sub(e.StartedAt))
	default:
		r.Outcome = "failed"
		r.Recovery = Duration(end.Sub(e.StartedAt))
	}
	if lastEnd.IsZero() && r.Outcome == "passed" {
		r.Recovery = Duration(end.Sub(e.StartedAt))
	}
	if target.Total > 0 && r.Outcome != "running" {
		met := r.Outcome == "passed" && r.Recovery <= target.Total
		r.MetRTO = &met
	}
	r.Problems = problems(r)
	if len(r.Problems) > 0 && r.Outcome == "passed" {
		r.Outcome = "failed"
	}
	r.Span = [2]time.Time{e.StartedAt, end}
	for _, ev := range events {
		if ev.At.After(r.Span[1]) {
			r.Span[1] = ev.At
		}
	}
	return r
}

// problems lists what makes the run fail as a test.
func problems(r *Report) []string {
	var out []string
	if r.Outcome == "failed" {
		msg := "execution ended " + r.Execution.Status
		if r.Execution.Error != "" {
			msg += ": " + r.Execution.Error
		}
		out = append(out, msg)
	}
	for _, w := range r.Waves {
		if w.MetRTO != nil && !*w.MetRTO {
			out = append(out, fmt.Sprintf("wave %s took %s, over its RTO of %s", w.Name, w.Took, w.Target))
		}
	}
	if r.MetRTO != nil && !*r.MetRTO {
		out = append(out, fmt.Sprintf("recovery took %s, over the RTO of %s", r.Recovery, r.Target.Total))
	}
	return out
}
