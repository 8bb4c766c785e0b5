package console_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/drsorch/terraform-provider-drsorch/internal/browsertest"
	"github.com/drsorch/terraform-provider-drsorch/internal/console"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// TestBrowserRetry drives both retries of a failed drill in a headless
// chromium, from the keyboard only: "Retry failed servers…" then confirm,
// and, once that run is out of the way, a wave chosen with the arrow keys
// and "Retry from this wave…". Pages are saved to artifacts/.
func TestBrowserRetry(t *testing.T) {
	ctx := browsertest.New(t)
	dir := browsertest.ArtifactsDir(t)
	f := deploy(t, console.Config{})
	first, bad := f.failedDrill(t, "drill-fails")
	step := func(what string, actions ...chromedp.Action) { t.Helper(); browsertest.Step(t, ctx, what, actions...) }
	shot := func(name string) { t.Helper(); browsertest.Screenshot(t, ctx, dir, name) }
	var focused, location string

	step("the failed drill's page offers the retries",
		chromedp.Navigate(f.url+execPath(first)),
		chromedp.WaitVisible(`#retry-panel`, chromedp.ByQuery),
		chromedp.WaitVisible(`#exec-head[data-phase="FAILED in wave app"]`, chromedp.ByQuery),
	)
	shot("console-execution-failed.png")
	step("Retry failed servers from the keyboard: the confirmation has the focus on its button",
		chromedp.Focus(`#retry-failed`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#retry-summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#checks .check-ok`, chromedp.ByQuery),
		browsertest.ActiveElement("confirm-retry", &focused),
	)
	if focused != "confirm-retry" {
		t.Errorf("focus on the retry page is on %q, want the confirm button", focused)
	}
	var summary string
	step("read what the retry does", chromedp.Text(`#retry-summary`, &summary, chromedp.ByQuery))
	if !strings.Contains(summary, "db skipped") || !strings.Contains(summary, "app relaunches only "+bad) {
		t.Errorf("retry summary %q", summary)
	}
	shot("console-retry-failed-servers.png")
	step("confirm with Enter: the new run's page",
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#notice`, chromedp.ByQuery),
		chromedp.Location(&location),
	)
	retry := executionOf(t, f, strings.TrimPrefix(location, f.url))
	if in := f.input(t, retry); len(in.OnlyServers["app"]) != 1 || !strings.HasPrefix(in.InvokedBy, "arn:aws:") {
		t.Errorf("retry input %+v", in)
	}
	f.svc.Drive(t, 300, func() bool { return f.describe(t, retry).PausedBefore() == "web" })
	step("the retry skipped db and recovered app",
		chromedp.WaitVisible(`#wave-db[data-status="SKIPPED"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#wave-app[data-status="RECOVERED"]`, chromedp.ByQuery),
	)
	shot("console-retried.png")

	// Out of the way: cancelled, and its DRS jobs done.
	if err := executions.Cancel(ctx, f.clients, retry, "test"); err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 100, func() bool { return !f.describe(t, retry).Running() })
	for i := 0; !strings.Contains(f.get(t, execPath(first)+"/retry?from=web").body, `id="confirm-retry"`); i++ {
		if i == 120 {
			t.Fatal("the cancelled retry's DRS jobs did not complete in two simulated hours")
		}
		f.svc.App.Clock.Advance(time.Minute)
	}

	var chosen string
	step("choose wave web with the arrow keys",
		chromedp.Navigate(f.url+execPath(first)),
		chromedp.WaitVisible(`#retry-from-wave`, chromedp.ByQuery),
		chromedp.Focus(`#retry-from-wave`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.Value(`#retry-from-wave`, &chosen, chromedp.ByQuery),
	)
	if chosen != "web" {
		t.Fatalf("the arrow key chose %q, want web (the wave after the failed app)", chosen)
	}
	// Let a live refresh land: the choice must survive it.
	var swaps int
	step("count the refreshes so far", chromedp.Evaluate(`parseInt(document.getElementById("live").dataset.swaps || "0", 10)`, &swaps))
	step("wait for a refresh", chromedp.Poll(`parseInt(document.getElementById("live").dataset.swaps || "0", 10) > `+strconv.Itoa(swaps), nil,
		chromedp.WithPollingTimeout(10*time.Second)))
	step("the choice survived", chromedp.Value(`#retry-from-wave`, &chosen, chromedp.ByQuery))
	if chosen != "web" {
		t.Errorf("after a live refresh the wave is %q, want web", chosen)
	}
	shot("console-retry-choose-wave.png")
	step("Tab to the button, Enter: the confirmation",
		chromedp.KeyEvent(kb.Tab),
		browsertest.ActiveElement("retry-from", &focused),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#retry-summary`, chromedp.ByQuery),
		chromedp.Text(`#retry-summary`, &summary, chromedp.ByQuery),
		browsertest.ActiveElement("confirm-retry", &focused),
	)
	if !strings.Contains(summary, "app skipped (taken as recovered: started from wave web)") || !strings.Contains(summary, "db skipped") {
		t.Errorf("retry from web summary %q", summary)
	}
	shot("console-retry-from-wave.png")
	step("confirm with Enter",
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#notice`, chromedp.ByQuery),
		chromedp.Location(&location),
	)
	from := executionOf(t, f, strings.TrimPrefix(location, f.url))
	if in := f.input(t, from); len(in.SkipWaves) != 2 || in.SkipWaves["app"] != executions.FromWaveReason("web") {
		t.Errorf("retry from web input %+v", in)
	}
	var notice string
	step("the notice names the wave", chromedp.Text(`#notice`, &notice, chromedp.ByQuery))
	if !strings.Contains(notice, "Retried from wave web") {
		t.Errorf("notice %q", notice)
	}
}
