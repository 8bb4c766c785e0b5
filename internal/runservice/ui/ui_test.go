package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ssmsim"
)

func TestListShowsEveryExecutionNewestFirst(t *testing.T) {
	f := deploy(t)
	empty := f.get(t, "/ui/")
	if empty.status != http.StatusOK {
		t.Fatalf("GET /ui/ = %d", empty.status)
	}
	empty.mustContain(t, "No executions yet", "Concurrent jobs in progress", "L-D88FAC3A", `aria-current="page"`,
		`href="/ui/?account=123456789012&amp;region=us-west-2"`, `href="/ui/?account=210987654321&amp;region=us-east-1"`)

	first := f.startDrill(t, true)
	second, err := executions.Start(t.Context(), f.clients, f.planARN, executions.TypeRecovery, "bob@example.com", "recovery-2")
	if err != nil {
		t.Fatal(err)
	}
	if err := executions.Cancel(t.Context(), f.clients, second, "test"); err != nil {
		t.Fatal(err)
	}
	p := f.get(t, "/ui/")
	p.mustContain(t, "drill-1", "recovery-2", "DRILL", "RECOVERY", "alice@example.com", "bob@example.com",
		"PAUSED before wave web", "aborted", `href="`+execPath(first)+`"`, "2026-01-05 09:00:00 UTC")
	if strings.Index(p.body, "recovery-2") > strings.Index(p.body, "drill-1") {
		t.Errorf("the newer execution recovery-2 is not listed first")
	}
	// The live fragment is the same list without the page around it.
	live := f.get(t, "/ui/live?account=123456789012&region=us-east-1")
	live.mustContain(t, "drill-1", "recovery-2")
	if strings.Contains(live.body, "<html") {
		t.Errorf("live fragment is a whole page")
	}
}

func TestListOfAnotherEstateIsEmpty(t *testing.T) {
	f := deploy(t)
	f.startDrill(t, false)
	p := f.get(t, "/ui/?account=210987654321&region=eu-west-1")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	p.mustContain(t, "No executions yet", "210987654321", "eu-west-1")
	if strings.Contains(p.body, "drill-1") {
		t.Errorf("an execution of 123456789012/us-east-1 shows in another account")
	}
}

func TestListRejectsBadAccountAndRegion(t *testing.T) {
	f := deploy(t)
	for query, want := range map[string]string{
		"?account=12345":             "account &#34;12345&#34; is not an AWS account ID: use 12 digits",
		"?region=US_EAST":            "region &#34;US_EAST&#34; is not an AWS region",
		"?account=<script>&region=x": "is not an AWS account ID",
	} {
		p := f.get(t, "/ui/"+query)
		if p.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", query, p.status)
		}
		p.mustContain(t, want)
		if strings.Contains(p.body, "<script>") {
			t.Errorf("%s: input reflected unescaped", query)
		}
	}
}

func TestExecutionPageShowsWavesServersEventsAndGate(t *testing.T) {
	f := deploy(t)
	arn := f.startDrill(t, true)
	e := f.describe(t, arn)
	db, _ := e.Wave("db")
	p := f.get(t, execPath(arn))
	if p.status != http.StatusOK {
		t.Fatalf("status %d: %s", p.status, p.body)
	}
	p.mustContain(t,
		"shop", "drill-1", "alice@example.com", "PAUSED before wave web",
		"Level 1", "Level 2", "Level 3", "2 waves in parallel",
		`id="wave-db" data-status="RECOVERED"`, `id="wave-web" data-status="PAUSED"`, `id="wave-edge" data-status=`,
		db.JobID, db.Servers[0].SourceServerID, db.Servers[0].EC2InstanceID, "running",
		"Waiting for approval", `id="resume-web"`, `name="wave" value="web"`,
		`id="cancel-button"`, "JOB_START", "LAUNCH_START", "JOB_END",
		"DRS quotas", "Source servers in all active jobs",
		`data-live="`+execPath(arn)+`/live"`)
	// Levels in sequence: db before app before web.
	if !(strings.Index(p.body, `id="wave-db"`) < strings.Index(p.body, `id="wave-app"`) &&
		strings.Index(p.body, `id="wave-app"`) < strings.Index(p.body, `id="wave-web"`)) {
		t.Errorf("waves are not in level order")
	}
	// Job events come in time order: db's job started before app's.
	if strings.Index(p.body, db.JobID) > strings.LastIndex(p.body, "JOB_END") {
		t.Errorf("job events not in time order")
	}
	live := f.get(t, execPath(arn)+"/live")
	live.mustContain(t, `id="resume-web"`, "JOB_START")
	if strings.Contains(live.body, "<html") {
		t.Errorf("live fragment is a whole page")
	}
}

func TestUnknownExecutionIs404AndMalformedARNIs400(t *testing.T) {
	f := deploy(t)
	missing := "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:nope"
	p := f.get(t, execPath(missing))
	if p.status != http.StatusNotFound {
		t.Fatalf("unknown execution: status %d", p.status)
	}
	p.mustContain(t, "there is no execution", "nope", "Back to the executions")
	other := f.get(t, execPath("arn:aws:states:eu-west-1:210987654321:execution:drsorch-plan-shop:nope"))
	other.mustContain(t, `href="/ui/?account=210987654321&amp;region=eu-west-1">Back to the executions`)
	if p := f.get(t, execPath(missing)+"/live"); p.status != http.StatusNotFound {
		t.Errorf("live fragment of unknown execution: status %d", p.status)
	}
	bad := f.get(t, "/ui/executions/not-an-arn")
	if bad.status != http.StatusBadRequest {
		t.Fatalf("malformed ARN: status %d", bad.status)
	}
	bad.mustContain(t, "is not a Step Functions execution ARN")
	if p := f.post(t, execPath(missing)+"/resume", url.Values{"wave": {"web"}}, nil); p.status != http.StatusNotFound {
		t.Errorf("resume of unknown execution: status %d", p.status)
	}
	if p := f.get(t, "/ui/nothing-here"); p.status != http.StatusNotFound {
		t.Errorf("unknown page: status %d", p.status)
	}
}

func TestResume(t *testing.T) {
	f := deploy(t)
	arn := f.startDrill(t, true)

	// A wave that is not paused: a clear message, nothing changes.
	p := f.post(t, execPath(arn)+"/resume", url.Values{"wave": {"app"}}, nil)
	if p.status != http.StatusConflict {
		t.Fatalf("resume of a recovered wave: status %d", p.status)
	}
	p.mustContain(t, "Cannot resume wave &#34;app&#34;: it is not waiting at its pause gate", "RECOVERED", "Nothing was changed")
	if p := f.post(t, execPath(arn)+"/resume", url.Values{}, nil); p.status != http.StatusBadRequest {
		t.Errorf("resume without a wave: status %d", p.status)
	} else {
		p.mustContain(t, `field &#34;wave&#34;`)
	}
	if p := f.post(t, execPath(arn)+"/resume", url.Values{"wave": {"nosuch"}}, nil); p.status != http.StatusBadRequest {
		t.Errorf("resume of a wave the plan lacks: status %d", p.status)
	} else {
		p.mustContain(t, `plan shop has no wave &#34;nosuch&#34;`)
	}
	// Another site's form must not steer the run.
	if p := f.post(t, execPath(arn)+"/resume", url.Values{"wave": {"web"}}, http.Header{"Origin": {"https://evil.example"}}); p.status != http.StatusForbidden {
		t.Errorf("cross-origin resume: status %d", p.status)
	}
	if e := f.describe(t, arn); e.PausedBefore() != "web" {
		t.Fatalf("a refused resume changed the run: %s", e.Phase())
	}

	p = f.post(t, execPath(arn)+"/resume", url.Values{"wave": {"web"}}, http.Header{"Origin": {f.svc.URL}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, execPath(arn)+"?") {
		t.Fatalf("resume: status %d location %q body %s", p.status, p.location, p.body)
	}
	f.get(t, p.location).mustContain(t, "Resumed: the pause gate before wave web received its approval")
	f.svc.Drive(t, 300, func() bool { return !f.describe(t, arn).Running() })
	done := f.get(t, execPath(arn))
	done.mustContain(t, `id="wave-web" data-status="RECOVERED"`, "succeeded",
		`Pause gate approved by <code class="approver">arn:aws:sts::123456789012:assumed-role/drsorch-dashboard/dashboard</code>`, "(drsorch dashboard, from 127.0.0.1:")
	// The approval records the dashboard's STS identity, not free text;
	// where it came from is the separate reason.
	if w, _ := f.describe(t, arn).Wave("web"); w.Approval == nil || w.Approval.ApprovedBy != "arn:aws:sts::123456789012:assumed-role/drsorch-dashboard/dashboard" ||
		!strings.HasPrefix(w.Approval.Reason, "drsorch dashboard, from ") {
		t.Errorf("approval recorded: %+v", w.Approval)
	}
	if strings.Contains(done.body, `id="cancel-button"`) {
		t.Errorf("a finished execution still offers Cancel")
	}
}

func TestCancelNeedsConfirmation(t *testing.T) {
	f := deploy(t)
	arn := f.startDrill(t, true)

	confirm := f.get(t, execPath(arn)+"/cancel")
	if confirm.status != http.StatusOK {
		t.Fatalf("confirmation page: status %d", confirm.status)
	}
	confirm.mustContain(t, "Cancel drill", "PAUSED before wave web", `name="confirm" value="yes"`, "Yes, stop the execution", "No, keep it running")

	// Posting without the confirmation changes nothing.
	if p := f.post(t, execPath(arn)+"/cancel", url.Values{}, nil); p.status != http.StatusBadRequest {
		t.Fatalf("cancel without confirm: status %d", p.status)
	} else {
		p.mustContain(t, "Not cancelled: cancelling needs the confirmation step")
	}
	if p := f.post(t, execPath(arn)+"/cancel", url.Values{"confirm": {"yes"}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}); p.status != http.StatusForbidden {
		t.Fatalf("cross-site cancel: status %d", p.status)
	}
	if !f.describe(t, arn).Running() {
		t.Fatal("a refused cancel stopped the run")
	}

	p := f.post(t, execPath(arn)+"/cancel", url.Values{"confirm": {"yes"}}, http.Header{"Sec-Fetch-Site": {"same-origin"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("cancel: status %d: %s", p.status, p.body)
	}
	e := f.describe(t, arn)
	if e.Status != sfntypes.ExecutionStatusAborted {
		t.Fatalf("after cancel: %s", e.Status)
	}
	f.get(t, p.location).mustContain(t, "Cancelled: the execution was stopped", "aborted", `data-status="CANCELLED"`)

	// Cancelling again: already ended, said plainly.
	again := f.post(t, execPath(arn)+"/cancel", url.Values{"confirm": {"yes"}}, nil)
	if again.status != http.StatusConflict {
		t.Fatalf("second cancel: status %d", again.status)
	}
	again.mustContain(t, "has already ended (ABORTED)")
	f.get(t, execPath(arn)+"/cancel").mustContain(t, "already ended", "nothing to cancel")
}

func TestStaticAssetsAreEmbedded(t *testing.T) {
	f := deploy(t)
	for path, want := range map[string]string{
		"/ui/static/dashboard.css": "prefers-color-scheme: dark",
		"/ui/static/dashboard.js":  "data-live",
	} {
		p := f.get(t, path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: status %d", path, p.status)
		}
		p.mustContain(t, want)
	}
	page := f.get(t, "/ui/")
	for _, external := range []string{"https://", "http://", "//fonts."} {
		if strings.Contains(page.body, external) {
			t.Errorf("page refers to something external (%q)", external)
		}
	}
}

func TestFailedLaunchShowsWaveErrorAndEvent(t *testing.T) {
	f := deploy(t)
	bad := f.tiers["app"][0]
	if err := f.svc.App.DRS.SetFailLaunch(drssim.Estate{}, true, bad); err != nil {
		t.Fatal(err)
	}
	arn := f.startDrill(t, false)
	f.svc.Drive(t, 300, func() bool { return !f.describe(t, arn).Running() })
	p := f.get(t, execPath(arn))
	p.mustContain(t, "FAILED in wave app", `id="wave-app" data-status="FAILED"`, "LAUNCH_FAILED", bad,
		`id="wave-web" data-status="PENDING"`, "Pause gate: waits for approval")
	if strings.Contains(p.body, `id="cancel-button"`) {
		t.Errorf("a failed execution still offers Cancel")
	}
	f.get(t, "/ui/").mustContain(t, "drill-1", "failed")
}

func TestExecutionOfAnotherStateMachineIsRefusedClearly(t *testing.T) {
	f := deploy(t)
	sm, err := f.clients.SFN.CreateStateMachine(t.Context(), &sfn.CreateStateMachineInput{
		Name:       aws.String("not-a-plan"),
		Definition: aws.String(`{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","End":true}}}`),
		RoleArn:    aws.String("arn:aws:iam::123456789012:role/any")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.clients.SFN.StartExecution(t.Context(), &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	if err != nil {
		t.Fatal(err)
	}
	p := f.get(t, execPath(aws.ToString(out.ExecutionArn)))
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", p.status, p.body)
	}
	p.mustContain(t, "does not run a drsorch recovery plan")
	// Executions of other state machines are not listed either.
	if strings.Contains(f.get(t, "/ui/").body, "not-a-plan") {
		t.Error("the list shows an execution of a state machine that is not a drsorch plan")
	}
}

// A wave's post-launch step and health check show with their outcome; a
// failed check shows its output in the wave's cause.
func TestWaveStepsShowWithTheirOutcome(t *testing.T) {
	f := deployWith(t, func(p *recoveryplan.Plan) {
		p.Waves[1].PostLaunch = []recoveryplan.PostLaunch{{Type: recoveryplan.StepCommand, Document: "AWS-RunShellScript",
			Parameters: map[string][]string{"commands": {"systemctl start app"}}}}
		p.Waves[1].HealthChecks = []recoveryplan.HealthCheck{{Type: recoveryplan.CheckTCP, Port: 8080, Retries: 2}}
	})
	f.svc.App.SSM.SetRules([]ssmsim.Rule{{Check: "tcp", Status: "Failed"}})
	arn := f.startDrill(t, false)
	f.svc.Drive(t, 300, func() bool { return !f.describe(t, arn).Running() })
	f.get(t, execPath(arn)).mustContain(t, "FAILED in wave app", "drsorch.WaveStepFailed", "no TCP connection after 3 attempts",
		"post_launch 1", "AWS-RunShellScript", "health_check 1", "tcp 127.0.0.1:8080", `class="badge st-success"`, `class="badge st-failed"`)
}

// A server's DRS post-launch action runs show in its wave, with the
// failure reason of a failed one.
func TestLaunchActionRunsShowInTheirWave(t *testing.T) {
	f := deploy(t)
	app := f.tiers["app"][0]
	if _, err := f.clients.DRS.PutLaunchAction(context.Background(), &drs.PutLaunchActionInput{ResourceId: aws.String(app),
		ActionId: aws.String("3f2a3b4c-0000-4000-8000-0000000000c1"), ActionCode: aws.String("Shop-Warmup"), Order: aws.Int32(7),
		Name: aws.String("warm up"), Active: aws.Bool(true), Optional: aws.Bool(true), ActionVersion: aws.String("$DEFAULT"),
		Category: drstypes.LaunchActionCategoryOther, Description: aws.String("")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.clients.DRS.UpdateLaunchConfiguration(context.Background(), &drs.UpdateLaunchConfigurationInput{SourceServerID: aws.String(app), PostLaunchEnabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	f.svc.App.SSM.SetRules([]ssmsim.Rule{{Document: "Shop-Warmup", Status: "Failed", Error: "cache cluster unreachable"}})
	arn := f.startDrill(t, true)
	f.get(t, execPath(arn)).mustContain(t, "DRS post-launch action", "7 warm up", "<code>Shop-Warmup</code>", `class="badge st-failed"`,
		"cache cluster unreachable")
}
