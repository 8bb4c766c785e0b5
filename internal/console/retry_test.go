package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/console"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// failedDrill runs a drill whose app server fails to launch, until it has
// ended FAILED and DRS has finished app's job (a retry waits for that).
func (f *fixture) failedDrill(t *testing.T, name string) (arn, bad string) {
	t.Helper()
	bad = f.tiers["app"][0]
	if err := f.svc.App.DRS.SetFailLaunch(drssim.Estate{}, true, bad); err != nil {
		t.Fatal(err)
	}
	arn = f.startDrill(t, name, false)
	f.svc.Drive(t, 400, func() bool { return !f.describe(t, arn).Running() })
	// DRS goes on launching app's other servers after the wave failed:
	// nothing in the engine waits on that, so move time on.
	for i := 0; ; i++ {
		if _, err := executions.RetryInput(f.describe(t, arn), ""); err == nil {
			break
		} else if i == 120 {
			t.Fatalf("app's DRS job did not complete in two simulated hours: %v", err)
		}
		f.svc.App.Clock.Advance(time.Minute)
	}
	if e := f.describe(t, arn); e.Phase() != "FAILED in wave app" {
		t.Fatalf("drill ended %s", e.Phase())
	}
	if err := f.svc.App.DRS.SetFailLaunch(drssim.Estate{}, false, bad); err != nil {
		t.Fatal(err)
	}
	return arn, bad
}

// input reads an execution's input as StartExecution received it.
func (f *fixture) input(t *testing.T, arn string) executions.Input {
	t.Helper()
	out, err := f.clients.SFN.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var in executions.Input
	if err := json.Unmarshal([]byte(aws.ToString(out.Input)), &in); err != nil {
		t.Fatal(err)
	}
	return in
}

func executionOf(t *testing.T, f *fixture, location string) string {
	t.Helper()
	path, _, _ := strings.Cut(location, "?")
	arn, err := url.PathUnescape(strings.TrimPrefix(path, "/ui/executions/"))
	if err != nil || !strings.HasPrefix(arn, "arn:aws:states:") {
		t.Fatalf("redirected to %q, not an execution page", location)
	}
	return arn
}

// A failed drill's page offers both retries. Retrying its failed servers
// shows what the new run skips and relaunches and the CLI's pre-start
// check, refuses a form without the anti-forgery token or from another
// origin, and starts a run by the console's caller that skips db and
// relaunches only the failed app server. A retry from a wave while that
// run holds the servers is refused by the same check.
func TestRetryFailedServersAndFromAWave(t *testing.T) {
	f := deploy(t, console.Config{})
	first, bad := f.failedDrill(t, "drill-fails")

	page := f.get(t, execPath(first))
	page.mustContain(t, `id="retry-failed"`, `id="retry-from-wave"`, `<option value="app" selected>app</option>`)
	confirm := f.get(t, execPath(first)+"/retry")
	confirm.mustContain(t, `id="retry-summary"`, "db skipped ("+first+")", "app relaunches only "+bad,
		`class="check-ok">No server of the plan is in another run`, `id="confirm-retry"`)
	token := csrf(t, confirm)

	form := url.Values{"confirm": {"yes"}, "csrf": {token}}
	if p := f.do(t, http.MethodPost, execPath(first)+"/retry", url.Values{"confirm": {"yes"}}, origin(f)); p.status != http.StatusForbidden {
		t.Errorf("retry without the anti-forgery token: HTTP %d", p.status)
	}
	if p := f.do(t, http.MethodPost, execPath(first)+"/retry", form, http.Header{"Origin": {"https://attacker.example"}}); p.status != http.StatusForbidden {
		t.Errorf("retry from another origin: HTTP %d", p.status)
	}
	if p := f.do(t, http.MethodPost, execPath(first)+"/retry", url.Values{"csrf": {token}}, origin(f)); p.status != http.StatusBadRequest {
		t.Errorf("retry without confirmation: HTTP %d", p.status)
	}
	done := f.do(t, http.MethodPost, execPath(first)+"/retry", form, origin(f))
	if done.status != http.StatusSeeOther || !strings.Contains(done.location, "done=retried") {
		t.Fatalf("retry: HTTP %d to %q\n%s", done.status, done.location, done.body)
	}
	retry := executionOf(t, f, done.location)
	in := f.input(t, retry)
	if in.Type != executions.TypeDrill || in.SkipWaves["db"] != first || len(in.OnlyServers["app"]) != 1 || in.OnlyServers["app"][0] != bad {
		t.Errorf("retry input %+v", in)
	}
	if !strings.HasPrefix(in.InvokedBy, "arn:aws:") {
		t.Errorf("retry started by %q: the console's caller identity is not recorded", in.InvokedBy)
	}
	f.get(t, done.location).mustContain(t, `id="notice"`, "Retried")

	// The retry now holds web's and app's servers: a second retry, from
	// app, is refused by the pre-start check, on the page and on the POST.
	f.svc.Drive(t, 100, func() bool { return f.describe(t, retry).PausedBefore() == "web" })
	blocked := f.get(t, execPath(first)+"/retry?from=app")
	blocked.mustContain(t, "db skipped (taken as recovered: started from wave app)", `class="check-bad">Servers busy elsewhere`)
	if strings.Contains(blocked.body, `id="confirm-retry"`) {
		t.Error("a retry the pre-start check refuses still offers its button")
	}
	refused := f.do(t, http.MethodPost, execPath(first)+"/retry", url.Values{"confirm": {"yes"}, "csrf": {token}, "from": {"app"}}, origin(f))
	if refused.status != http.StatusConflict || !strings.Contains(refused.body, "pre-start check refuses it") {
		t.Errorf("retry from app while the servers are busy: HTTP %d", refused.status)
	}

	// Once the retry is cancelled, the retry from app goes through.
	if err := executions.Cancel(context.Background(), f.clients, retry, "test"); err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 100, func() bool { return !f.describe(t, retry).Running() })
	// Its edge wave's DRS job runs on after the cancel: wait until DRS is done.
	for i := 0; !strings.Contains(f.get(t, execPath(first)+"/retry?from=app").body, `id="confirm-retry"`); i++ {
		if i == 120 {
			t.Fatal("the cancelled retry's DRS jobs did not complete in two simulated hours")
		}
		f.svc.App.Clock.Advance(time.Minute)
	}
	from := f.do(t, http.MethodPost, execPath(first)+"/retry", url.Values{"confirm": {"yes"}, "csrf": {token}, "from": {"app"}}, origin(f))
	if from.status != http.StatusSeeOther {
		i := strings.Index(from.body, `id="checks"`)
		t.Fatalf("retry from app: HTTP %d\n%s", from.status, from.body[i:min(len(from.body), i+1500)])
	}
	in = f.input(t, executionOf(t, f, from.location))
	if len(in.SkipWaves) != 1 || in.SkipWaves["db"] != executions.FromWaveReason("app") || in.OnlyServers != nil {
		t.Errorf("retry from app input %+v", in)
	}
	f.get(t, from.location).mustContain(t, "Retried from wave app")
}
