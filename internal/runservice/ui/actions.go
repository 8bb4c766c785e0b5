package ui

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// dashboardReason is recorded beside the approver's identity: where the
// approval or the cancel came from. The dashboard has no login of its own
// (it serves loopback by default, the console behind its token), so the
// identity is that of the dashboard's credentials, as STS
// GetCallerIdentity names them.
func (d *Dashboard) dashboardReason(r *http.Request) string {
	return "drsorch " + d.reasonName() + ", from " + r.RemoteAddr
}

func (d *Dashboard) reasonName() string {
	if d.opts.Real {
		return "console"
	}
	return "dashboard"
}

// actionAllowed refuses an action posted from another site or, when the
// dashboard has a CSRF token, without it. It writes the refusal.
func (d *Dashboard) actionAllowed(w http.ResponseWriter, r *http.Request) bool {
	if !sameOrigin(r) {
		d.errorPage(w, r, http.StatusForbidden, "Forbidden", "The dashboard accepts actions only from its own pages (this form came from another origin).")
		return false
	}
	if d.opts.CSRFToken != "" && subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(d.opts.CSRFToken)) != 1 {
		d.errorPage(w, r, http.StatusForbidden, "Forbidden", "The form lacks this console's anti-forgery token (field csrf): reload the page and use its buttons.")
		return false
	}
	return true
}

// Notices shown after an action redirects back to the execution page.
func noticeText(done, wave string) string {
	switch done {
	case "resumed":
		if wave == "" {
			return ""
		}
		return "Resumed: the pause gate before wave " + wave + " received its approval (SendTaskSuccess)."
	case "started":
		return "Started: the drill passed the pre-start check and is running (StartExecution)."
	case "terminating":
		return "Terminating: DRS was asked to terminate this drill's recovery instances (TerminateRecoveryInstances); the job shows among the events."
	case "retried":
		if wave != "" {
			return "Retried from wave " + wave + ": this run passed the pre-start check and started (StartExecution); the waves before " + wave + " are taken as recovered."
		}
		return "Retried: this run passed the pre-start check and started (StartExecution); it skips what the failed run recovered and relaunches only what failed."
	case "cancelled":
		return "Cancelled: the execution was stopped (StopExecution). Drill instances already launched keep running until terminated."
	}
	return ""
}

// sameOrigin refuses a form posted from another site: the dashboard runs
// on loopback, and a web page must not steer a recovery through it.
func sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return origin == ""
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

func (d *Dashboard) resume(w http.ResponseWriter, r *http.Request) {
	if !d.actionAllowed(w, r) {
		return
	}
	arn := r.PathValue("arn")
	wave := r.PostFormValue("wave")
	data, code, err := d.loadExecution(r.Context(), arn)
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	if wave == "" {
		d.actionFailed(w, data, http.StatusBadRequest, "Cannot resume: the form did not say which wave (field \"wave\"). Use the Resume button of the paused wave.")
		return
	}
	who, err := executions.CallerARN(r.Context(), d.stsClient(data.Estate))
	if err != nil {
		d.actionFailed(w, data, http.StatusBadGateway, "Cannot resume: "+err.Error()+". Nothing was changed.")
		return
	}
	err = executions.ResumeWith(r.Context(), d.clients(data.Estate), data.Exec, wave,
		executions.Approval{ApprovedBy: who, ApprovedAt: d.opts.Now(), Reason: d.dashboardReason(r)})
	switch {
	case errors.Is(err, executions.ErrAlreadyApproved):
		// Released already (an earlier click whose answer was lost, or
		// someone else): the approval is there.
	case errors.Is(err, executions.ErrNotPaused):
		d.actionFailed(w, data, http.StatusConflict, fmt.Sprintf("Cannot resume wave %q: it is not waiting at its pause gate (%v). Nothing was changed.", wave, err))
		return
	case err != nil:
		d.actionFailed(w, data, http.StatusBadRequest, "Cannot resume: "+err.Error())
		return
	}
	http.Redirect(w, r, executionURL(arn)+"?"+url.Values{"done": {"resumed"}, "wave": {wave}}.Encode(), http.StatusSeeOther)
}

func (d *Dashboard) confirmCancel(w http.ResponseWriter, r *http.Request) {
	data, code, err := d.loadExecution(r.Context(), r.PathValue("arn"))
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	data.Title = "Cancel " + data.Exec.Name + "?"
	data.LiveURL = "" // a confirmation must not change under the reader
	d.render(w, http.StatusOK, "cancel", "layout", data)
}

func (d *Dashboard) cancel(w http.ResponseWriter, r *http.Request) {
	if !d.actionAllowed(w, r) {
		return
	}
	arn := r.PathValue("arn")
	data, code, err := d.loadExecution(r.Context(), arn)
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		d.actionFailed(w, data, http.StatusBadRequest, "Not cancelled: cancelling needs the confirmation step (field confirm=yes). Use the Cancel button and confirm.")
		return
	}
	if !data.Exec.Running() {
		d.actionFailed(w, data, http.StatusConflict, fmt.Sprintf("Not cancelled: execution %s has already ended (%s).", data.Exec.Name, data.Exec.Status))
		return
	}
	who, err := executions.CallerARN(r.Context(), d.stsClient(data.Estate))
	if err != nil {
		d.actionFailed(w, data, http.StatusBadGateway, "Cancel failed: "+err.Error())
		return
	}
	if err := executions.Cancel(r.Context(), d.clients(data.Estate), arn, who+" ("+d.dashboardReason(r)+")"); err != nil {
		d.actionFailed(w, data, http.StatusBadGateway, "Cancel failed: "+err.Error())
		return
	}
	http.Redirect(w, r, executionURL(arn)+"?done=cancelled", http.StatusSeeOther)
}

// actionFailed shows the execution page with the problem on top.
func (d *Dashboard) actionFailed(w http.ResponseWriter, data *executionData, status int, problem string) {
	data.Error = problem
	d.render(w, status, "execution", "layout", data)
}

// terminateTimeout bounds how long the console follows a terminate job
// after the page has answered.
const terminateTimeout = 2 * time.Hour

func (d *Dashboard) confirmTerminate(w http.ResponseWriter, r *http.Request) {
	data, code, err := d.loadExecution(r.Context(), r.PathValue("arn"))
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	data.Title = "Terminate the instances of " + data.Exec.Name + "?"
	data.LiveURL = ""
	data.Instances = executions.LaunchedInstances(data.Exec)
	d.render(w, http.StatusOK, "terminate", "layout", data)
}

// terminate asks DRS to terminate a drill's recovery instances. The
// terminate job takes minutes: it is followed in the background, and the
// execution page shows its events.
func (d *Dashboard) terminate(w http.ResponseWriter, r *http.Request) {
	if !d.actionAllowed(w, r) {
		return
	}
	arn := r.PathValue("arn")
	data, code, err := d.loadExecution(r.Context(), arn)
	if err != nil {
		d.errorPage(w, r, code, http.StatusText(code), err.Error())
		return
	}
	switch {
	case r.PostFormValue("confirm") != "yes":
		d.actionFailed(w, data, http.StatusBadRequest, "Not terminated: terminating needs the confirmation step (field confirm=yes). Use the Terminate button and confirm.")
		return
	case data.Exec.Type != executions.TypeDrill:
		d.actionFailed(w, data, http.StatusConflict, fmt.Sprintf("Not terminated: %s is a %s, and its instances are production now. The console terminates drill instances only; use `drsorch terminate --allow-recovery` if you really mean it.", data.Exec.Name, data.Exec.Type))
		return
	case len(executions.LaunchedInstances(data.Exec)) == 0:
		d.actionFailed(w, data, http.StatusConflict, "Not terminated: this drill has no launched recovery instances.")
		return
	}
	who, err := executions.CallerARN(r.Context(), d.stsClient(data.Estate))
	if err != nil {
		d.actionFailed(w, data, http.StatusBadGateway, "Not terminated: "+err.Error())
		return
	}
	by := who + " (" + d.dashboardReason(r) + ")"
	c := d.clients(data.Estate)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), terminateTimeout)
	go func() {
		defer cancel()
		res, err := executions.Terminate(ctx, c, data.Exec, false, 10*time.Second)
		if err != nil {
			d.opts.Logger.Error("dashboard: terminate drill instances", "execution", arn, "by", by, "error", err)
			return
		}
		d.opts.Logger.Info("dashboard: terminated drill instances", "execution", arn, "by", by, "jobs", res.JobIDs, "instances", len(res.Terminated))
	}()
	http.Redirect(w, r, executionURL(arn)+"?done=terminating", http.StatusSeeOther)
}
