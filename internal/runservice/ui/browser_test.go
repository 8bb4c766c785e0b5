package ui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/drsorch/terraform-provider-drsorch/internal/browsertest"
)

// The chromedp helpers are shared with the console's browser test.
func artifactsDir(t *testing.T) string { return browsertest.ArtifactsDir(t) }

func newBrowser(t *testing.T) context.Context { return browsertest.New(t) }

func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	browsertest.Step(t, ctx, what, actions...)
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	browsertest.Screenshot(t, ctx, dir, name)
}

// TestBrowserDrillPauseResume opens a running drill in a real headless
// chromium, sees it progress to the pause gate without reloading, presses
// Resume from the keyboard and sees the last wave start and finish.
func TestBrowserDrillPauseResume(t *testing.T) {
	ctx := newBrowser(t)
	dir := artifactsDir(t)
	f := deploy(t)
	arn := f.startDrill(t, false)
	if err := f.svc.App.SFN.Engine().Settle(t.Context()); err != nil {
		t.Fatal(err)
	}

	var phase string
	step(t, ctx, "execution page with db running and web pending",
		chromedp.Navigate(f.svc.URL+execPath(arn)),
		chromedp.WaitVisible(`#wave-db[data-status="RUNNING"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#wave-web[data-status="PENDING"]`, chromedp.ByQuery),
		chromedp.AttributeValue("#exec-head", "data-phase", &phase, nil, chromedp.ByQuery),
		// A marker that a reload would wipe out.
		chromedp.Evaluate(`window.drsorchNoReload = true`, nil),
	)
	if phase != "RUNNING wave db" {
		t.Errorf("phase = %q, want RUNNING wave db", phase)
	}

	// Simulated time runs to the pause; the page follows by itself.
	f.svc.Drive(t, 300, func() bool { return f.describe(t, arn).PausedBefore() == "web" })
	var stillSamePage bool
	var announced string
	step(t, ctx, "drill paused before web, Resume button shown",
		chromedp.WaitVisible(`#resume-web`, chromedp.ByQuery),
		chromedp.WaitVisible(`#wave-db[data-status="RECOVERED"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#wave-app[data-status="RECOVERED"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//td/code[contains(@class,"event")][text()="JOB_END"]`),
		chromedp.Evaluate(`window.drsorchNoReload === true`, &stillSamePage),
		chromedp.Text(`#announce`, &announced, chromedp.ByQuery, chromedp.AtLeast(0)),
	)
	if announced != "Execution is now PAUSED before wave web." {
		t.Errorf("screen-reader announcement = %q", announced)
	}
	if !stillSamePage {
		t.Error("the page reloaded: live updates should swap the content in place")
	}
	screenshot(t, ctx, dir, "dashboard-paused.png")

	// Keyboard focus survives a live update: focus Resume, let simulated
	// time move so the region changes, and look where the focus is.
	var swaps int
	step(t, ctx, "focus the Resume button",
		chromedp.Focus(`#resume-web`, chromedp.ByQuery),
		chromedp.Evaluate(`parseInt(document.getElementById("live").dataset.swaps || "0", 10)`, &swaps),
	)
	f.svc.App.Clock.Advance(time.Minute)
	var focused string
	step(t, ctx, "a live update while Resume has the focus",
		chromedp.Poll(fmt.Sprintf(`parseInt(document.getElementById("live").dataset.swaps || "0", 10) > %d`, swaps), nil, chromedp.WithPollingInterval(100*time.Millisecond)),
		chromedp.Evaluate(`document.activeElement.id`, &focused),
	)
	if focused != "resume-web" {
		t.Fatalf("after a live update the focus is on %q, want resume-web", focused)
	}

	// Resume from the keyboard: press Enter on the focused button.
	step(t, ctx, "resume from the keyboard",
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#notice`, chromedp.ByQuery),
	)
	if err := f.svc.App.SFN.Engine().Settle(t.Context()); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "web wave started after resume",
		chromedp.WaitVisible(`#wave-web[data-status="RUNNING"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#resume-web`, chromedp.ByQuery),
	)

	f.svc.Drive(t, 300, func() bool { return !f.describe(t, arn).Running() })
	step(t, ctx, "web wave recovered and the drill succeeded",
		chromedp.WaitVisible(`#wave-web[data-status="RECOVERED"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#cancel-button`, chromedp.ByQuery),
		chromedp.AttributeValue("#exec-head", "data-phase", &phase, nil, chromedp.ByQuery),
	)
	if phase != "SUCCEEDED" {
		t.Errorf("phase = %q, want SUCCEEDED", phase)
	}
	screenshot(t, ctx, dir, "dashboard-finished.png")

	// The same page in dark mode, and the executions list.
	step(t, ctx, "dark mode",
		emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}),
	)
	screenshot(t, ctx, dir, "dashboard-finished-dark.png")
	step(t, ctx, "executions list",
		emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}),
		chromedp.Navigate(f.svc.URL+"/ui/"),
		chromedp.WaitVisible(fmt.Sprintf(`a[href="%s"]`, execPath(arn)), chromedp.ByQuery),
	)
	screenshot(t, ctx, dir, "dashboard-list.png")
}

// TestBrowserCancelWithConfirmation cancels a paused drill from the
// keyboard: Cancel leads to a confirmation page whose confirm button has
// the focus, and confirming stops the run.
func TestBrowserCancelWithConfirmation(t *testing.T) {
	ctx := newBrowser(t)
	dir := artifactsDir(t)
	f := deploy(t)
	arn := f.startDrill(t, true)

	var focused, phase string
	step(t, ctx, "cancel leads to a confirmation page",
		chromedp.Navigate(f.svc.URL+execPath(arn)),
		chromedp.WaitVisible(`#resume-web`, chromedp.ByQuery),
		chromedp.Focus(`#cancel-button`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#confirm-cancel`, chromedp.ByQuery),
		browsertest.ActiveElement("confirm-cancel", &focused),
	)
	if focused != "confirm-cancel" {
		t.Errorf("focus on the confirmation page is on %q, want the confirm button", focused)
	}
	if !f.describe(t, arn).Running() {
		t.Fatal("the run stopped before the confirmation")
	}
	screenshot(t, ctx, dir, "dashboard-cancel-confirm.png")

	step(t, ctx, "confirming stops the run",
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#notice`, chromedp.ByQuery),
		chromedp.WaitVisible(`#wave-web[data-status="CANCELLED"]`, chromedp.ByQuery),
		chromedp.AttributeValue("#exec-head", "data-phase", &phase, nil, chromedp.ByQuery),
	)
	if phase != "ABORTED" {
		t.Errorf("phase after cancel = %q, want ABORTED", phase)
	}
	if e := f.describe(t, arn); e.Running() {
		t.Errorf("execution still %s after the confirmed cancel", e.Status)
	}
	screenshot(t, ctx, dir, "dashboard-cancelled.png")
}
