package ui

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/report"
	"github.com/drsorch/terraform-provider-drsorch/internal/startcheck"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// deployedPlan is one drsorch plan read back from its state machine.
type deployedPlan struct {
	Name string
	ARN  string
	View *statemachine.PlanView
	// LogGroupARN is where Step Functions logs its executions; empty
	// when logging is off.
	LogGroupARN string
	LogLevel    string
}

// planRow is one line of the plans list.
type planRow struct {
	Name    string
	ARN     string
	Waves   int
	Levels  int
	Servers int
	Pauses  int
	LastRun *executionRow
	Error   string // why the plan could not be read back
}

type plansData struct {
	base
	Rows  []planRow
	Error string
}

// lastRunsShown is how many runs the plan page lists.
const lastRunsShown = 10

func (d *Dashboard) plansPage(w http.ResponseWriter, r *http.Request) {
	est, err := d.estateFromQuery(r)
	if err != nil {
		d.errorPage(w, r, http.StatusBadRequest, "Bad account or region", err.Error())
		return
	}
	data := plansData{base: d.base("Plans", est)}
	data.Section = "plans"
	c := d.clients(est)
	sms, err := executions.Plans(r.Context(), c.SFN)
	if err != nil {
		data.Error = "Could not list the recovery plans (ListStateMachines): " + err.Error()
	}
	for _, sm := range sms {
		name, _ := plans.PlanName(aws.ToString(sm.Name))
		row := planRow{Name: name, ARN: aws.ToString(sm.StateMachineArn)}
		p, err := d.readPlan(r.Context(), c, row.ARN)
		if err != nil {
			row.Error = err.Error()
		} else {
			row.Name = p.Name
			for _, l := range p.View.Levels {
				row.Levels++
				for _, wv := range l {
					row.Waves++
					row.Servers += len(wv.SourceServerIDs)
					if wv.PauseBefore {
						row.Pauses++
					}
				}
			}
		}
		if runs, _ := d.lastRuns(r.Context(), c, row.Name, row.ARN, 1); len(runs) > 0 {
			row.LastRun = &runs[0]
		}
		data.Rows = append(data.Rows, row)
	}
	sort.Slice(data.Rows, func(i, j int) bool { return data.Rows[i].Name < data.Rows[j].Name })
	d.render(w, http.StatusOK, "plans", "layout", data)
}

// readPlan reads a plan's definition back (DescribeStateMachine).
func (d *Dashboard) readPlan(ctx context.Context, c executions.Clients, arn string) (*deployedPlan, error) {
	out, found, err := plans.Find(ctx, c.SFN, arn)
	switch {
	case err != nil:
		return nil, fmt.Errorf("could not read plan %s: %w", arn, err)
	case !found:
		return nil, fmt.Errorf("there is no plan %s", arn)
	}
	view, err := statemachine.Describe(aws.ToString(out.Definition))
	if err != nil {
		return nil, fmt.Errorf("state machine %s is not a drsorch recovery plan the console can read: %w", arn, err)
	}
	name, _ := plans.PlanName(aws.ToString(out.Name))
	if view.Name != "" {
		name = view.Name
	}
	p := &deployedPlan{Name: name, ARN: arn, View: view}
	if lc := out.LoggingConfiguration; lc != nil && lc.Level != sfntypes.LogLevelOff {
		p.LogLevel = string(lc.Level)
		for _, dest := range lc.Destinations {
			if g := dest.CloudWatchLogsLogGroup; g != nil && aws.ToString(g.LogGroupArn) != "" {
				p.LogGroupARN = aws.ToString(g.LogGroupArn)
			}
		}
	}
	return p, nil
}

// findPlan resolves a plan name in an estate.
func (d *Dashboard) findPlan(ctx context.Context, c executions.Clients, name string) (*deployedPlan, int, error) {
	if err := plans.ValidateName(name); err != nil {
		return nil, http.StatusBadRequest, err
	}
	sms, err := executions.Plans(ctx, c.SFN)
	if err != nil {
		return nil, http.StatusBadGateway, errors.New("could not list the recovery plans: " + err.Error())
	}
	for _, sm := range sms {
		if n, _ := plans.PlanName(aws.ToString(sm.Name)); n == name {
			p, err := d.readPlan(ctx, c, aws.ToString(sm.StateMachineArn))
			if err != nil {
				return nil, http.StatusUnprocessableEntity, err
			}
			return p, http.StatusOK, nil
		}
	}
	return nil, http.StatusNotFound, fmt.Errorf("no recovery plan %q is deployed in this account and region (state machine %s)", name, plans.StateMachineName(name))
}

// lastRuns lists a plan's newest executions (ListExecutions) with their
// type and starter.
func (d *Dashboard) lastRuns(ctx context.Context, c executions.Clients, plan, arn string, n int) ([]executionRow, error) {
	list, err := executions.ListItems(ctx, c.SFN, map[string]string{plan: arn}, executions.Filter{Limit: n})
	if err != nil {
		return nil, err
	}
	rows := d.rowsOf(list)
	return d.enrichRows(ctx, c, rows), nil
}

type planWave struct {
	statemachine.WaveView
	Servers []serverRow
}

type planLevel struct {
	Number int
	Waves  []planWave
}

type planData struct {
	base
	Plan   *deployedPlan
	Levels []planLevel
	DAG    template.HTML
	Runs   []executionRow
	Log    logPanel
	// Check is the pre-start check, on the start page only.
	Check      *startcheck.Result
	CheckError string
	Error      string
	// HasRTO says the plan sets an RTO target (plan or wave); RTORuns are
	// its last ended runs measured against the targets of the versions
	// they ran.
	HasRTO  bool
	RTORuns []rtoRun
	// Cost is the estimated cost of the plan's recovery instances (plan
	// page only).
	Cost *costView

	// sources are the plan's source servers as DRS describes them, or
	// why they could not be read.
	sources    []drstypes.SourceServer
	sourcesErr error
}

// rtoRun is one run of the plan against its RTO targets.
type rtoRun struct {
	Run    executionRow
	RTO    *rtoView // nil: the version it ran had no target
	Missed []string // waves over their target: "app took 3m 10s of 1m 00s"
	Error  string   // why the run could not be read
}

func (d *Dashboard) loadPlan(r *http.Request) (*planData, executions.Clients, int, error) {
	est, err := d.estateFromQuery(r)
	if err != nil {
		return nil, executions.Clients{}, http.StatusBadRequest, err
	}
	c := d.clients(est)
	p, code, err := d.findPlan(r.Context(), c, r.PathValue("plan"))
	if err != nil {
		return nil, c, code, err
	}
	data := &planData{base: d.base("Plan "+p.Name, est), Plan: p, DAG: planDAG(p.View)}
	data.Section = "plans"
	var ids []string
	for _, wv := range p.View.Waves() {
		ids = append(ids, wv.SourceServerIDs...)
	}
	// Read once: the rows show them, and the cost estimate prices them.
	if len(ids) > 0 {
		data.sources, data.sourcesErr = drsapi.ListSourceServers(r.Context(), c.DRS, ids)
	}
	servers := rowsByID(data.sources)
	for i, l := range p.View.Levels {
		lv := planLevel{Number: i + 1}
		for _, wv := range l {
			pw := planWave{WaveView: wv}
			for _, id := range wv.SourceServerIDs {
				row, ok := servers[id]
				if !ok {
					row = serverRow{ID: id}
				}
				pw.Servers = append(pw.Servers, row)
			}
			lv.Waves = append(lv.Waves, pw)
		}
		data.Levels = append(data.Levels, lv)
	}
	data.Runs, _ = d.lastRuns(r.Context(), c, p.Name, p.ARN, lastRunsShown)
	data.HasRTO = hasRTO(p.View)
	return data, c, http.StatusOK, nil
}

func hasRTO(v *statemachine.PlanView) bool {
	if v.RTO > 0 {
		return true
	}
	for _, w := range v.Waves() {
		if w.RTO > 0 {
			return true
		}
	}
	return false
}

// rtoRuns measures the plan's last ended runs against their RTO targets.
// Each costs a full read of the run (its history and DRS jobs), so only
// plans that set a target pay it, and only for the runs shown.
func (d *Dashboard) rtoRuns(ctx context.Context, c executions.Clients, runs []executionRow) []rtoRun {
	var out []rtoRun
	for _, run := range runs {
		if run.Running {
			continue
		}
		row := rtoRun{Run: run}
		e, err := executions.Describe(ctx, c, run.ARN)
		if err != nil {
			row.Error = "could not read the run: " + err.Error()
			out = append(out, row)
			continue
		}
		rep := report.Build(e, nil, nil, report.Target{}, d.opts.Now())
		row.RTO = runRTO(rep)
		for _, w := range rep.Waves {
			if w.MetRTO != nil && !*w.MetRTO {
				row.Missed = append(row.Missed, w.Name+" took "+formatDuration(time.Duration(w.Took))+" of "+formatDuration(time.Duration(w.Target)))
			}
		}
		out = append(out, row)
	}
	return out
}

func (d *Dashboard) planPage(w http.ResponseWriter, r *http.Request) {
	data, _, code, err := d.loadPlan(r)
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	data.Log = readPlanLog(r.Context(), d.logs(data.Estate), data.Plan, d.opts.Now())
	if data.HasRTO {
		data.RTORuns = d.rtoRuns(r.Context(), d.clients(data.Estate), data.Runs)
	}
	c := d.estimate(r.Context(), data.Estate, data.Plan.View, data.sources, data.sourcesErr)
	data.Cost = &c
	d.render(w, http.StatusOK, "plan", "layout", data)
}

// confirmStart shows the pre-start check and, when it passes, the button
// that starts a drill.
func (d *Dashboard) confirmStart(w http.ResponseWriter, r *http.Request) {
	data, c, code, err := d.loadPlan(r)
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	data.Title = "Start a drill of " + data.Plan.Name + "?"
	d.check(r.Context(), c, data)
	d.render(w, http.StatusOK, "start", "layout", data)
}

func (d *Dashboard) check(ctx context.Context, c executions.Clients, data *planData) {
	res, err := startcheck.Run(ctx, c, data.Plan.View, nil)
	if err != nil {
		data.CheckError = "Could not run the pre-start check: " + err.Error()
		return
	}
	data.Check = &res
}

// startDrill runs the pre-start check again and starts a DRILL named now.
func (d *Dashboard) startDrill(w http.ResponseWriter, r *http.Request) {
	if !d.actionAllowed(w, r) {
		return
	}
	data, c, code, err := d.loadPlan(r)
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	data.Title = "Start a drill of " + data.Plan.Name + "?"
	d.check(r.Context(), c, data)
	if data.CheckError != "" || data.Check.Blocked() {
		data.Error = "Not started: the pre-start check refuses it (below). Nothing was changed."
		d.render(w, http.StatusConflict, "start", "layout", data)
		return
	}
	who, err := executions.CallerARN(r.Context(), d.stsClient(data.Estate))
	if err != nil {
		data.Error = "Not started: " + err.Error()
		d.render(w, http.StatusBadGateway, "start", "layout", data)
		return
	}
	name := executions.NewName(executions.TypeDrill, d.opts.Now())
	arn, err := executions.StartWith(r.Context(), c, data.Plan.ARN, name, executions.Input{Type: executions.TypeDrill, InvokedBy: who})
	if err != nil {
		data.Error = "Start failed: " + err.Error()
		d.render(w, http.StatusBadGateway, "start", "layout", data)
		return
	}
	http.Redirect(w, r, executionURL(arn)+"?done=started", http.StatusSeeOther)
}

func planURL(name string, e Estate) string {
	return "/ui/plans/" + url.PathEscape(name) + "?" + url.Values{"account": {e.Account}, "region": {e.Region}}.Encode()
}

// planDAG draws the wave graph as inline SVG: one column per level, an
// arrow from each wave to the waves that wait for it. Every name is
// escaped here, since the result is trusted HTML.
func planDAG(v *statemachine.PlanView) template.HTML {
	const (
		boxW, boxH = 170, 46
		gapX, gapY = 70, 18
		pad        = 12
	)
	type pos struct{ x, y int }
	at := map[string]pos{}
	rows := 0
	for _, l := range v.Levels {
		rows = max(rows, len(l))
	}
	width := pad*2 + len(v.Levels)*boxW + max(len(v.Levels)-1, 0)*gapX
	height := pad*2 + rows*boxH + max(rows-1, 0)*gapY
	for i, l := range v.Levels {
		for j, w := range l {
			at[w.Name] = pos{pad + i*(boxW+gapX), pad + j*(boxH+gapY)}
		}
	}
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="dag" role="img" aria-labelledby="dag-title" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`, width, height, width, height)
	fmt.Fprintf(&b, `<title id="dag-title">Waves of plan %s: %d levels</title>`, esc(v.Name), len(v.Levels))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="dag-arrowhead"/></marker></defs>`)
	for i, l := range v.Levels {
		for _, w := range l {
			var from []string
			if w.DependsOnSet {
				from = w.DependsOn
			} else if i > 0 {
				for _, p := range v.Levels[i-1] {
					from = append(from, p.Name)
				}
			}
			to := at[w.Name]
			for _, f := range from {
				p, ok := at[f]
				if !ok {
					continue
				}
				fmt.Fprintf(&b, `<path class="dag-edge" d="M%d,%d C%d,%d %d,%d %d,%d" marker-end="url(#arrow)"/>`,
					p.x+boxW, p.y+boxH/2, p.x+boxW+gapX/2, p.y+boxH/2, to.x-gapX/2, to.y+boxH/2, to.x, to.y+boxH/2)
			}
		}
	}
	for _, l := range v.Levels {
		for _, w := range l {
			p := at[w.Name]
			class := "dag-wave"
			if w.PauseBefore {
				class += " dag-pause"
			}
			fmt.Fprintf(&b, `<g class="%s"><rect x="%d" y="%d" width="%d" height="%d" rx="8"/>`, class, p.x, p.y, boxW, boxH)
			nameX := p.x + 10
			if w.PauseBefore {
				// A pause sign drawn, not typed: fonts may lack the glyph.
				fmt.Fprintf(&b, `<path class="dag-pause-icon" d="M%d,%d h3 v11 h-3 z M%d,%d h3 v11 h-3 z"><title>pause gate</title></path>`, nameX, p.y+9, nameX+5, p.y+9)
				nameX += 14
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="dag-name">%s</text>`, nameX, p.y+19, esc(w.Name))
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="dag-meta">%s · %d server%s</text></g>`, p.x+10, p.y+36, esc(w.ProtectionGroup), len(w.SourceServerIDs), plural(len(w.SourceServerIDs)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
