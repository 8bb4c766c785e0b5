package console_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/drsorch/terraform-provider-drsorch/internal/browsertest"
	"github.com/drsorch/terraform-provider-drsorch/internal/console"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// TestBrowserConsole drives the console in a headless chromium, against
// the run service addressed as AWS, from the keyboard: sign in with the
// token, open a plan, start a drill after its pre-start check, resume the
// pause gate, terminate the drill's instances, search the servers, filter
// the executions and cancel a run. Each page is saved to artifacts/.
func TestBrowserConsole(t *testing.T) {
	ctx := browsertest.New(t)
	dir := browsertest.ArtifactsDir(t)
	// With RTO targets, so the pages show them (plan, waves, the run).
	f := deployPlan(t, console.Config{Listen: "0.0.0.0:0", Token: testToken, AllowedHosts: []string{"127.0.0.1"}}, func(p *recoveryplan.Plan) {
		p.RTO = 45 * time.Minute
		p.Waves[0].RTO = 15 * time.Minute
	})
	step := func(what string, actions ...chromedp.Action) { t.Helper(); browsertest.Step(t, ctx, what, actions...) }
	shot := func(name string) { t.Helper(); browsertest.Screenshot(t, ctx, dir, name) }
	enterOn := func(sel string) chromedp.Tasks {
		return chromedp.Tasks{chromedp.WaitVisible(sel, chromedp.ByQuery), chromedp.Focus(sel, chromedp.ByQuery), chromedp.KeyEvent(kb.Enter)}
	}

	step("a browser without a session is sent to sign in",
		chromedp.Navigate(f.url+"/ui/plans"),
		chromedp.WaitVisible(`#token`, chromedp.ByQuery),
	)
	var focused string
	step("the token field has the focus", browsertest.ActiveElement("token", &focused))
	if focused != "token" {
		t.Errorf("focus on the sign-in page is on %q, want the token field", focused)
	}
	shot("console-sign-in.png")
	step("a wrong token is refused",
		chromedp.SendKeys(`#token`, "not-the-token"+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#problem`, chromedp.ByQuery),
	)
	step("sign in with the token from the keyboard, back to the plans",
		chromedp.SendKeys(`#token`, testToken+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#plan-shop`, chromedp.ByQuery),
	)
	shot("console-plans.png")

	step("open the plan from the keyboard", enterOn(`#plan-shop a`), chromedp.WaitVisible(`svg.dag`, chromedp.ByQuery), chromedp.WaitVisible(`#plan-wave-edge`, chromedp.ByQuery))
	step("the plan page shows its RTO targets", chromedp.WaitVisible(`#plan-rto`, chromedp.ByQuery), chromedp.WaitVisible(`#plan-wave-db-rto`, chromedp.ByQuery))
	// The estimate at the simulated Price List's prices: $0.9584 an hour
	// for the shop's nine instances, so a drill of the 45-minute RTO
	// costs $0.72.
	var perHour, drill, drillLabel string
	step("the plan page estimates the cost of a recovery and of a drill of the RTO",
		chromedp.WaitVisible(`#plan-cost`, chromedp.ByQuery),
		chromedp.Text(`#cost-per-hour`, &perHour, chromedp.ByQuery),
		chromedp.Text(`#cost-drill`, &drill, chromedp.ByQuery),
		chromedp.Text(`#plan-cost dl div:nth-child(2) dt`, &drillLabel, chromedp.ByQuery),
	)
	if perHour != "$0.9584" || drill != "$0.72" || !strings.Contains(strings.ToLower(drillLabel), "45m 00s") {
		t.Errorf("cost shown: %q per hour, drill %q (%q); want $0.9584, $0.72 for 45m 00s", perHour, drill, drillLabel)
	}
	shot("console-plan.png")
	var costPanel []byte
	step("the cost panel alone", chromedp.Screenshot(`#plan-cost`, &costPanel, chromedp.ByQuery))
	if err := os.WriteFile(filepath.Join(dir, "console-plan-cost.png"), costPanel, 0o644); err != nil {
		t.Fatal(err)
	}

	step("start a drill: the pre-start check passes, the confirm button has the focus",
		enterOn(`#start-drill`),
		chromedp.WaitVisible(`#checks .check-ok`, chromedp.ByQuery),
		browsertest.ActiveElement("confirm-start", &focused),
	)
	if focused != "confirm-start" {
		t.Errorf("focus on the start page is on %q, want the confirm button", focused)
	}
	shot("console-start-drill.png")
	var location string
	step("confirm with Enter: the new drill's page",
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#notice`, chromedp.ByQuery),
		chromedp.Location(&location),
	)
	arn := strings.TrimPrefix(strings.Split(location, "?")[0], f.url+"/ui/executions/")
	arn = strings.ReplaceAll(arn, "%3A", ":")
	f.svc.Drive(t, 400, func() bool { return f.describe(t, arn).PausedBefore() == "web" })
	step("the page follows the drill to its pause gate",
		chromedp.WaitVisible(`#resume-web`, chromedp.ByQuery),
		chromedp.WaitVisible(`#wave-db[data-status="RECOVERED"]`, chromedp.ByQuery),
	)
	shot("console-execution-paused.png")
	f.svc.App.Clock.Advance(4 * time.Minute) // the approver takes a few minutes
	step("resume from the keyboard", enterOn(`#resume-web`), chromedp.WaitVisible(`#notice`, chromedp.ByQuery))
	f.svc.Drive(t, 400, func() bool { return !f.describe(t, arn).Running() })
	var approver string
	step("the drill succeeds; the gate shows who approved it",
		chromedp.WaitVisible(`#wave-web[data-status="RECOVERED"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#exec-head[data-phase="SUCCEEDED"]`, chromedp.ByQuery),
		chromedp.Text(`#wave-web .approver`, &approver, chromedp.ByQuery),
	)
	if !strings.HasPrefix(approver, "arn:aws:") {
		t.Errorf("approver shown as %q", approver)
	}
	// The 1400 px layout: a long "Started by" ARN wraps inside its own
	// cell instead of running over "Started".
	var fits bool
	step("at 1400 px, Started by stays clear of Started",
		chromedp.EmulateViewport(1400, 1000),
		chromedp.Evaluate(`(() => {
			const dd = label => [...document.querySelectorAll(".summary dt")].find(d => d.textContent === label).nextElementSibling;
			const by = dd("Started by"), started = dd("Started");
			const a = by.getBoundingClientRect(), b = started.getBoundingClientRect();
			const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
			return apart && by.scrollWidth <= by.clientWidth;
		})()`, &fits),
	)
	if !fits {
		t.Error(`at 1400 px the "Started by" value overlaps "Started" or overflows its cell`)
	}
	shot("console-execution-1400.png")
	step("back to 1440 px", chromedp.EmulateViewport(1440, 1000))
	shot("console-execution.png")
	var timeline []byte
	step("the timeline alone, for the README", chromedp.Screenshot(`section:has(> .timeline-wrap)`, &timeline, chromedp.ByQuery))
	if err := os.WriteFile(filepath.Join(dir, "console-timeline.png"), timeline, 0o644); err != nil {
		t.Fatal(err)
	}

	step("terminate the drill's instances: confirmation with the focus on confirm",
		enterOn(`#terminate-button`),
		chromedp.WaitVisible(`#confirm-terminate`, chromedp.ByQuery),
		browsertest.ActiveElement("confirm-terminate", &focused),
	)
	if focused != "confirm-terminate" {
		t.Errorf("focus on the terminate page is on %q", focused)
	}
	shot("console-terminate.png")
	step("confirm the termination", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`#notice`, chromedp.ByQuery))
	// Nothing waits on the terminate job but DRS itself: move time on.
	for i := 0; f.terminateJobsDone(t) == 0; i++ {
		if i == 120 {
			t.Fatal("the terminate job did not complete in two simulated hours")
		}
		f.svc.App.Clock.Advance(time.Minute)
	}

	step("search the servers by typing",
		chromedp.Navigate(f.url+"/ui/servers"),
		chromedp.WaitVisible(`#server-search`, chromedp.ByQuery),
		chromedp.SendKeys(`#server-search`, "shop-web"+kb.Enter, chromedp.ByQuery),
	)
	// The form's GET navigates: wait for the new page, not the old one.
	for i := 0; ; i++ {
		var loaded bool
		err := chromedp.Run(ctx, chromedp.Evaluate(`location.search.includes("q=shop-web") && document.readyState === "complete"`, &loaded))
		if err == nil && loaded {
			break
		}
		if i == 300 {
			t.Fatalf("the search did not load: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	step("the filtered list", chromedp.WaitVisible(`#server-count`, chromedp.ByQuery))
	var rows int
	step("count the rows", chromedp.Evaluate(`document.querySelectorAll("tr[id^='server-']").length`, &rows))
	if rows != len(f.tiers["web"]) {
		t.Errorf("search shop-web shows %d servers, want %d", rows, len(f.tiers["web"]))
	}
	shot("console-servers.png")

	second := f.startDrill(t, "drill-2", true)
	step("filter the executions by status with the keyboard",
		chromedp.Navigate(f.url+"/ui/"),
		chromedp.WaitVisible(`#filter-status`, chromedp.ByQuery),
		chromedp.SetValue(`#filter-status`, "RUNNING", chromedp.ByQuery),
		enterOn(`#filter-apply`),
		chromedp.WaitVisible(`#filter-clear`, chromedp.ByQuery),
	)
	var listed string
	step("read the list", chromedp.Text(`.runs-table tbody`, &listed, chromedp.ByQuery))
	if first := f.describe(t, arn).Name; !strings.Contains(listed, "drill-2") || strings.Contains(listed, first) {
		t.Errorf("RUNNING filter lists %q, want drill-2 and not the finished %s", listed, first)
	}
	shot("console-executions.png")

	step("cancel drill-2 from the keyboard",
		chromedp.Navigate(f.url+execPath(second)),
		enterOn(`#cancel-button`),
		chromedp.WaitVisible(`#confirm-cancel`, chromedp.ByQuery),
		// Enter goes to the confirmation only once autofocus gave it the focus.
		browsertest.ActiveElement("confirm-cancel", &focused),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#exec-head[data-phase="ABORTED"]`, chromedp.ByQuery),
	)
	if e := f.describe(t, second); e.Running() {
		t.Errorf("drill-2 still %s", e.Status)
	}
}
