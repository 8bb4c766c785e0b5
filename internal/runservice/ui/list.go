package ui

import (
	"context"
	"net/http"
	"sort"
	"time"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// maxListed bounds the executions list: the newest runs matter, and each
// row costs a DescribeExecution.
const maxListed = 100

// executionRow is one line of the executions list.
type executionRow struct {
	Plan      string
	Name      string
	ARN       string
	Type      string
	Status    string
	Phase     string
	InvokedBy string
	StartedAt time.Time
	Duration  time.Duration
	Running   bool
}

// listFilter narrows the executions list; zero fields select everything.
type listFilter struct {
	Plan   string
	Type   string // DRILL or RECOVERY
	Status string // a Step Functions status
	Since  string // one of sinceChoices
}

// sinceChoices are the time windows the filter offers.
var sinceChoices = []struct{ Value, Label string }{
	{"1h", "last hour"}, {"24h", "last 24 hours"}, {"168h", "last 7 days"}, {"720h", "last 30 days"},
}

func (f listFilter) Active() bool { return f != listFilter{} }

func (f listFilter) keep(row executionRow, now time.Time) bool {
	if f.Plan != "" && row.Plan != f.Plan || f.Status != "" && row.Status != f.Status {
		return false
	}
	if d, err := time.ParseDuration(f.Since); err == nil && f.Since != "" && row.StartedAt.Before(now.Add(-d)) {
		return false
	}
	return true
}

type listData struct {
	base
	Filter    listFilter
	PlanNames []string
	Statuses  []string
	Types     []string
	Since     []struct{ Value, Label string }
	Plans     int
	Rows      []executionRow
	Truncated int // executions left off the list
	ListError string
	Quotas    quotaPanel
}

func (d *Dashboard) listPage(w http.ResponseWriter, r *http.Request) {
	d.serveList(w, r, "layout")
}

func (d *Dashboard) listLive(w http.ResponseWriter, r *http.Request) {
	d.serveList(w, r, "list-live")
}

func (d *Dashboard) serveList(w http.ResponseWriter, r *http.Request, tmpl string) {
	est, err := d.estateFromQuery(r)
	if err != nil {
		d.errorPage(w, r, http.StatusBadRequest, "Bad account or region", err.Error())
		return
	}
	q := r.URL.Query()
	data := listData{base: d.base("Executions", est), Since: sinceChoices,
		Filter:   listFilter{Plan: q.Get("plan"), Type: q.Get("type"), Status: q.Get("status"), Since: q.Get("since")},
		Statuses: []string{"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"},
		Types:    []string{executions.TypeDrill, executions.TypeRecovery}}
	data.LiveURL = "/ui/live?" + q.Encode()
	c := d.clients(est)
	all, planCount, err := d.listExecutions(r.Context(), c)
	if err != nil {
		data.ListError = "Could not list executions: " + err.Error()
	}
	data.Plans = planCount
	now := d.opts.Now()
	seen := map[string]bool{}
	var rows []executionRow
	for _, row := range all {
		if !seen[row.Plan] {
			seen[row.Plan] = true
			data.PlanNames = append(data.PlanNames, row.Plan)
		}
		if data.Filter.keep(row, now) {
			rows = append(rows, row)
		}
	}
	sort.Strings(data.PlanNames)
	if len(rows) > maxListed {
		data.Truncated = len(rows) - maxListed
		rows = rows[:maxListed]
	}
	rows = d.enrichRows(r.Context(), c, rows)
	// The type is in the input, which only DescribeExecution reads.
	if data.Filter.Type != "" {
		kept := rows[:0]
		for _, row := range rows {
			if row.Type == data.Filter.Type {
				kept = append(kept, row)
			}
		}
		rows = kept
	}
	data.Rows = rows
	data.Quotas = readQuotas(r.Context(), c)
	d.render(w, http.StatusOK, "list", tmpl, data)
}

// listExecutions lists every execution of every drsorch plan, newest
// first, from ListStateMachines and ListExecutions alone.
func (d *Dashboard) listExecutions(ctx context.Context, c executions.Clients) ([]executionRow, int, error) {
	machines, err := executions.Machines(ctx, c.SFN)
	if err != nil {
		return nil, 0, err
	}
	list, err := executions.ListItems(ctx, c.SFN, machines, executions.Filter{})
	if err != nil {
		return nil, len(machines), err
	}
	return d.rowsOf(list), len(machines), nil
}

// rowsOf turns listed executions into table rows (phase and type come
// from enrichRows).
func (d *Dashboard) rowsOf(list []executions.Summary) []executionRow {
	now := d.opts.Now()
	rows := make([]executionRow, len(list))
	for i, e := range list {
		rows[i] = executionRow{Plan: e.Plan, Name: e.Name, ARN: e.ARN, Status: string(e.Status), Phase: string(e.Status),
			StartedAt: e.StartedAt, Running: e.Status == sfntypes.ExecutionStatusRunning,
			Duration: until(e.StoppedAt, now).Sub(e.StartedAt)}
	}
	return rows
}

// enrichRows adds what only the execution itself knows: its type and who
// started it (the input), and for running ones the phase (which wave is
// paused or running).
func (d *Dashboard) enrichRows(ctx context.Context, c executions.Clients, rows []executionRow) []executionRow {
	var (
		rest  []executions.Summary
		index []int
	)
	for i := range rows {
		row := &rows[i]
		if row.Running {
			if e, err := executions.Describe(ctx, c, row.ARN); err == nil {
				row.Type, row.InvokedBy, row.Phase = e.Type, e.InvokedBy, e.Phase()
				continue
			}
		}
		rest, index = append(rest, executions.Summary{ARN: row.ARN}), append(index, i)
	}
	// A row whose input cannot be read shows without type and invoker.
	_ = executions.ReadInputs(ctx, c.SFN, rest)
	for j, i := range index {
		rows[i].Type, rows[i].InvokedBy = rest[j].Type, rest[j].InvokedBy
	}
	return rows
}
