package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/startcheck"
)

// Retrying an execution that failed (or ended PARTIAL) starts a new run
// of its plan, of the same type, as `drsorch retry` and
// `drsorch start --from-wave` do:
//   - "retry failed servers": executions.RetryInput skips the waves the
//     run recovered and relaunches only the servers that did not launch;
//   - "retry from wave W": the waves W depends on are taken as recovered
//     (executions.SkipBefore); every other wave runs.
// Both run the CLI's pre-start check (internal/startcheck) on the page and
// again on the POST, need the anti-forgery token, and record the caller's
// identity as the run's invokedBy. A RECOVERY also needs the plan's name
// typed, as the CLI asks for it.

type retryData struct {
	*executionData
	// From is the wave a "retry from wave" starts at; "" retries the
	// failed servers.
	From string
	// Plan is the plan as deployed now: the retry starts its newest
	// version and is checked against it.
	Plan *deployedPlan
	// Summary says what the new run skips and relaunches.
	Summary    string
	Input      executions.Input
	Refused    string // why there is nothing to retry this way
	Check      *startcheck.Result
	CheckError string
	// Typed is what the operator typed as the plan's name (RECOVERY).
	Typed string
}

// Retryable reports whether the page offers a retry: the run ended
// without succeeding, or succeeded with failed optional waves.
func (d *executionData) Retryable() bool {
	return !d.Exec.Running() && (string(d.Exec.Status) != "SUCCEEDED" || d.Exec.Partial())
}

// loadRetry reads the execution, the plan as deployed, the input of the
// retry and the pre-start check.
func (d *Dashboard) loadRetry(ctx context.Context, arn, from string) (*retryData, int, error) {
	data, code, err := d.loadExecution(ctx, arn)
	if err != nil {
		return nil, code, err
	}
	rd := &retryData{executionData: data, From: from}
	rd.LiveURL = "" // a confirmation must not change under the reader
	if from == "" {
		rd.Title = "Retry the failed servers of " + data.Exec.Name + "?"
	} else {
		rd.Title = "Retry " + data.Exec.Name + " from wave " + from + "?"
	}
	c := d.clients(data.Estate)
	rd.Plan, err = d.readPlan(ctx, c, data.Exec.PlanARN)
	if err != nil {
		return nil, http.StatusUnprocessableEntity, err
	}
	if !data.Retryable() {
		rd.Refused = fmt.Sprintf("Execution %s is %s: only a run that ended without succeeding, or PARTIAL, is retried.", data.Exec.Name, data.Exec.Phase())
		return rd, http.StatusOK, nil
	}
	if from == "" {
		rd.Input, err = executions.RetryInput(data.Exec, "")
	} else {
		rd.Input = executions.Input{Type: data.Exec.Type}
		rd.Input.SkipWaves, err = executions.SkipBefore(rd.Plan.View, from)
	}
	if err != nil {
		rd.Refused = "Nothing was started: " + err.Error() + "."
		return rd, http.StatusOK, nil
	}
	rd.Summary = executions.DescribeResume(rd.Input)
	res, err := startcheck.Run(ctx, c, rd.Plan.View, rd.Input.AdoptJobs)
	if err != nil {
		rd.CheckError = "Could not run the pre-start check: " + err.Error()
	} else {
		rd.Check = &res
	}
	return rd, http.StatusOK, nil
}

func (d *Dashboard) confirmRetry(w http.ResponseWriter, r *http.Request) {
	rd, code, err := d.loadRetry(r.Context(), r.PathValue("arn"), strings.TrimSpace(r.URL.Query().Get("from")))
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	d.render(w, http.StatusOK, "retry", "layout", rd)
}

// retry starts the new run after checking again what the page showed.
func (d *Dashboard) retry(w http.ResponseWriter, r *http.Request) {
	if !d.actionAllowed(w, r) {
		return
	}
	arn := r.PathValue("arn")
	rd, code, err := d.loadRetry(r.Context(), arn, strings.TrimSpace(r.PostFormValue("from")))
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	rd.Typed = r.PostFormValue("plan")
	refuse := func(status int, problem string) {
		rd.Error = problem
		d.render(w, status, "retry", "layout", rd)
	}
	switch {
	case r.PostFormValue("confirm") != "yes":
		refuse(http.StatusBadRequest, "Not retried: a retry needs the confirmation step (field confirm=yes). Use the Retry button and confirm.")
		return
	case rd.Refused != "":
		refuse(http.StatusConflict, rd.Refused)
		return
	case rd.CheckError != "" || rd.Check.Blocked():
		refuse(http.StatusConflict, "Not retried: the pre-start check refuses it (below). Nothing was changed.")
		return
	case rd.Exec.Type == executions.TypeRecovery && strings.TrimSpace(rd.Typed) != rd.Plan.Name:
		refuse(http.StatusBadRequest, fmt.Sprintf("Not retried: this starts a RECOVERY, which launches production instances; type the plan's name (%s) to confirm.", rd.Plan.Name))
		return
	}
	c := d.clients(rd.Estate)
	who, err := executions.CallerARN(r.Context(), d.stsClient(rd.Estate))
	if err != nil {
		refuse(http.StatusBadGateway, "Not retried: "+err.Error())
		return
	}
	in := rd.Input
	in.InvokedBy = who
	name := executions.NewName(rd.Exec.Type, d.opts.Now())
	started, err := executions.StartWith(r.Context(), c, rd.Plan.ARN, name, in)
	var unknown *executions.UnknownOutcomeError
	switch {
	case errors.As(err, &unknown):
		refuse(http.StatusBadGateway, "The retry may or may not have started (the answer was lost): "+err.Error()+". Look for execution "+name+" in the list before retrying again.")
		return
	case err != nil:
		refuse(http.StatusBadGateway, "Retry failed: "+err.Error())
		return
	}
	d.opts.Logger.Info("dashboard: retried an execution", "of", arn, "as", started, "by", who, "from", rd.From, "plan", rd.Summary)
	http.Redirect(w, r, executionURL(started)+"?"+url.Values{"done": {"retried"}, "wave": {rd.From}}.Encode(), http.StatusSeeOther)
}
