package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// dashboardReason is recorded beside the approver's identity: where the
// approval or the cancel came from. The dashboard has no login of its own
// (it serves loopback by default), so the identity is that of the
// dashboard's credentials, as STS GetCallerIdentity names them.
func dashboardReason(r *http.Request) string {
	return "drsorch dashboard, from " + r.RemoteAddr
}

// Notices shown after an action redirects back to the execution page.
func noticeText(done, wave string) string {
	switch done {
	case "resumed":
		if wave == "" {
			return ""
		}
		return "Resumed: the pause gate before wave " + wave + " received its approval (SendTaskSuccess)."
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
	if !sameOrigin(r) {
		d.errorPage(w, r, http.StatusForbidden, "Forbidden", "The dashboard accepts actions only from its own pages (this form came from another origin).")
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
		executions.Approval{ApprovedBy: who, ApprovedAt: d.opts.Now(), Reason: dashboardReason(r)})
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
	if !sameOrigin(r) {
		d.errorPage(w, r, http.StatusForbidden, "Forbidden", "The dashboard accepts actions only from its own pages (this form came from another origin).")
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
	if err := executions.Cancel(r.Context(), d.clients(data.Estate), arn, who+" ("+dashboardReason(r)+")"); err != nil {
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
