package ui

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"time"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	smithy "github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/report"
)

type executionData struct {
	base
	Exec     *executions.Execution
	Status   string // the Step Functions status
	Phase    string
	Duration time.Duration
	Levels   []level
	Events   []report.Event
	// Timeline is the Gantt chart of the run (inline SVG).
	Timeline template.HTML
	// EventsError says why the job events could not be read.
	EventsError string
	Quotas      quotaPanel
	Notice      string
	Error       string
	// Hosts are the execution's source servers by ID (hostnames).
	Hosts map[string]serverRow
	// Approvals are the pause gates approved so far, in wave order.
	Approvals []approvalView
	// Launched counts recovery instances still to terminate; Instances
	// lists them on the terminate page.
	Launched  int
	Instances []executions.Server
	// RTO is the run measured against the targets of the plan version it
	// executes (nil when that version sets none).
	RTO *rtoView
}

// rtoView is a run's recovery time against its RTO target.
type rtoView struct {
	Target   time.Duration
	Recovery time.Duration // start until the last wave is done (so far, while running)
	Met      *bool         // nil while running or without a plan-wide target
}

type approvalView struct {
	Wave string
	executions.Approval
}

// level is one topological layer of the plan: its waves run side by side.
type level struct {
	Number int
	Waves  []waveView
}

type waveView struct {
	executions.Wave
	Duration time.Duration
	Launched int
	// MetRTO is the wave's Duration against its RTO target, once it ended.
	MetRTO *bool
}

func (d *Dashboard) executionPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d.serveExecution(w, r, "layout", noticeText(q.Get("done"), q.Get("wave")))
}

func (d *Dashboard) executionLive(w http.ResponseWriter, r *http.Request) {
	d.serveExecution(w, r, "execution-live", "")
}

// serveExecution renders the execution named by the {arn} path value,
// with the notice an action redirected with.
func (d *Dashboard) serveExecution(w http.ResponseWriter, r *http.Request, tmpl, notice string) {
	data, code, err := d.loadExecution(r.Context(), r.PathValue("arn"))
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	data.Notice = notice
	d.render(w, http.StatusOK, "execution", tmpl, data)
}

// loadExecution reads everything the execution page shows. On failure it
// returns the HTTP status that fits: 400 for a malformed ARN, 404 for an
// execution that does not exist.
func (d *Dashboard) loadExecution(ctx context.Context, arn string) (*executionData, int, error) {
	est, err := d.estateOfExecution(arn)
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	c := d.clients(est)
	e, err := executions.Describe(ctx, c, arn)
	var missing *sfntypes.ExecutionDoesNotExist
	var apiErr smithy.APIError
	switch {
	case errors.As(err, &missing):
		return nil, http.StatusNotFound, errors.New("there is no execution " + arn + " in account " + est.Account + ", region " + est.Region + ": it may belong to another account or region, or its plan was deleted")
	case errors.As(err, &apiErr):
		return nil, http.StatusBadGateway, errors.New("could not read execution " + arn + ": " + err.Error())
	case err != nil:
		// The API answered, but the state machine is not a drsorch plan.
		return nil, http.StatusUnprocessableEntity, errors.New("execution " + arn + " does not run a drsorch recovery plan, so the dashboard cannot show its waves: " + err.Error())
	}
	now := d.opts.Now()
	data := &executionData{base: d.base(e.Plan+" · "+e.Name, est), Exec: e, Status: string(e.Status), Phase: e.Phase()}
	data.LiveURL = executionURL(arn) + "/live"
	data.Duration = until(e.StoppedAt, now).Sub(e.StartedAt)
	data.Levels = groupLevels(e, now)
	data.Events, err = report.JobEvents(ctx, c.DRS, e)
	if err != nil {
		data.EventsError = "Could not read the DRS job events: " + err.Error()
	}
	data.Quotas = readQuotas(ctx, c)
	var ids []string
	for _, w := range e.Waves {
		for _, s := range w.Servers {
			ids = append(ids, s.SourceServerID)
		}
		if w.Approval != nil {
			data.Approvals = append(data.Approvals, approvalView{Wave: w.Name, Approval: *w.Approval})
		}
	}
	data.Hosts = serversByID(ctx, c.DRS, ids)
	hostnames := map[string]string{}
	for id, s := range data.Hosts {
		hostnames[id] = s.Hostname
	}
	rep := report.Build(e, hostnames, data.Events, report.Target{}, now)
	data.Timeline = report.Timeline(rep)
	data.RTO = runRTO(rep)
	for i := range data.Levels {
		for j := range data.Levels[i].Waves {
			for _, rw := range rep.Waves {
				if rw.Name == data.Levels[i].Waves[j].Name {
					data.Levels[i].Waves[j].MetRTO = rw.MetRTO
				}
			}
		}
	}
	data.Launched = len(executions.LaunchedInstances(e))
	return data, http.StatusOK, nil
}

func until(end, now time.Time) time.Time {
	if end.IsZero() {
		return now
	}
	return end
}

// groupLevels groups the waves by level, in level order.
func groupLevels(e *executions.Execution, now time.Time) []level {
	var levels []level
	for _, w := range e.Waves {
		for len(levels) < w.Level {
			levels = append(levels, level{Number: len(levels) + 1})
		}
		v := waveView{Wave: w}
		if !w.StartedAt.IsZero() {
			v.Duration = until(w.EndedAt, now).Sub(w.StartedAt)
		}
		for _, s := range w.Servers {
			if s.LaunchStatus == "LAUNCHED" {
				v.Launched++
			}
		}
		levels[w.Level-1].Waves = append(levels[w.Level-1].Waves, v)
	}
	// Drop levels no wave landed in (a definition that skips a number).
	out := levels[:0]
	for _, l := range levels {
		if len(l.Waves) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// runRTO is what the pages say about a run's RTO (report.Build measured
// it against the plan's targets); nil when the run has no target at all.
func runRTO(r *report.Report) *rtoView {
	if !r.Target.Set() {
		return nil
	}
	return &rtoView{Target: time.Duration(r.Target.Total), Recovery: time.Duration(r.Recovery), Met: r.MetRTO}
}
