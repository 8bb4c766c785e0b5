package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	junit "github.com/joshdk/go-junit"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/report"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// quickstart is the run service addressed as AWS (endpoint and keys in the
// environment, signatures checked) with the plan of examples/quickstart:
// db, then app, then web behind a pause gate.
type quickstart struct {
	svc     *runservicetest.Service
	clients executions.Clients
	planARN string
	tiers   map[string][]string
}

func deployQuickstart(t *testing.T, edit ...func(*recoveryplan.Plan)) *quickstart {
	t.Helper()
	const key, secret = "AKIAREPORTOPERATOR01", "report-test-secret-0123456789abcdef"
	svc := runservicetest.Start(t, runservice.Config{Credentials: map[string]string{key: secret}})
	t.Setenv("AWS_ENDPOINT_URL", svc.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", key)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_REGION", "us-east-1")
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	for _, v := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", awsclient.EnvRunServiceEndpoint} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	ctx := context.Background()
	c, err := awsclient.New(ctx, awsclient.Settings{}, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	q := &quickstart{svc: svc, clients: executions.Clients{SFN: c.SFN, DRS: c.DRS, Quotas: c.ServiceQuotas}, tiers: map[string][]string{}}
	all, err := drsapi.ListSourceServers(ctx, c.DRS, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Tags["app"] == "shop" {
			q.tiers[s.Tags["tier"]] = append(q.tiers[s.Tags["tier"]], aws.ToString(s.SourceServerID))
		}
	}
	plan := recoveryplan.Plan{Name: "shop", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: q.tiers["db"]},
		{Name: "app", ProtectionGroup: "shop-app", ServerIDs: q.tiers["app"]},
		{Name: "web", ProtectionGroup: "shop-web", PauseBefore: true, ServerIDs: q.tiers["web"]},
	}}
	for _, f := range edit {
		f(&plan)
	}
	compiled, err := plans.CompileWithRunner(ctx, c.SFN, plan, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(plans.StateMachineName(plan.Name)),
		Definition: aws.String(compiled.Definition), RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	q.planARN = aws.ToString(out.StateMachineArn)
	return q
}

// smokeTest gives server a DRS launch action, run after its launch.
func (q *quickstart) smokeTest(t *testing.T, server string) {
	t.Helper()
	ctx := context.Background()
	if _, err := q.clients.DRS.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: aws.String(server), PostLaunchEnabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := q.clients.DRS.PutLaunchAction(ctx, &drs.PutLaunchActionInput{ResourceId: aws.String(server), ActionId: aws.String("3f2a3b4c-0000-4000-8000-00000000c0de"),
		ActionCode: aws.String("AWS-RunShellScript"), Order: aws.Int32(10), Name: aws.String("smoke test"), Active: aws.Bool(true),
		Optional: aws.Bool(false), ActionVersion: aws.String("$DEFAULT"), Category: drstypes.LaunchActionCategoryValidation, Description: aws.String(""),
		Parameters: map[string]drstypes.LaunchActionParameter{"commands": {Value: aws.String("shop.smoke-test"), Type: drstypes.LaunchActionParameterTypeSsmStore}}}); err != nil {
		t.Fatal(err)
	}
}

func (q *quickstart) describe(t *testing.T, arn string) *executions.Execution {
	t.Helper()
	e, err := executions.Describe(context.Background(), q.clients, arn)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// runDrill runs a drill to its end, approving web as ops@example.com.
func (q *quickstart) runDrill(t *testing.T) string {
	t.Helper()
	arn, err := executions.Start(context.Background(), q.clients, q.planARN, executions.TypeDrill, "ci@example.com", "drill-1")
	if err != nil {
		t.Fatal(err)
	}
	q.svc.Drive(t, 400, func() bool { e := q.describe(t, arn); return e.PausedBefore() == "web" || !e.Running() })
	if e := q.describe(t, arn); e.PausedBefore() == "web" {
		q.svc.App.Clock.Advance(3 * time.Minute) // someone takes a while to approve
		if err := executions.Resume(context.Background(), q.clients, e, "web", "ops@example.com", q.svc.App.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	q.svc.Drive(t, 400, func() bool { return !q.describe(t, arn).Running() })
	return arn
}

// runReport runs `drsorch report` as CI would.
func (q *quickstart) runReport(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := cli.NewRoot(&cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Lookup: os.LookupEnv, Now: q.svc.App.Clock.Now})
	root.SetArgs(append([]string{"report"}, args...))
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// artifacts is $DRSORCH_ARTIFACTS, else artifacts/ at the repository root.
func artifacts(t *testing.T) string {
	if d := os.Getenv("DRSORCH_ARTIFACTS"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "artifacts")
}

// TestQuickstartDrillReport produces the report of the quickstart's drill
// (artifacts/quickstart-report/) and checks its JUnit XML with a parser
// this project did not write (github.com/joshdk/go-junit).
func TestQuickstartDrillReport(t *testing.T) {
	q := deployQuickstart(t)
	web := q.tiers["web"][0]
	q.smokeTest(t, web)
	arn := q.runDrill(t)
	dir := filepath.Join(artifacts(t), "quickstart-report")
	out, err := q.runReport(t, arn, "--out", dir, "--rto", "4h", "--wave-rto", "db=2h", "--check")
	if err != nil {
		t.Fatalf("drsorch report: %v\n%s", err, out)
	}
	if !strings.Contains(out, "passed") {
		t.Errorf("output: %s", out)
	}

	suites, err := junit.IngestFile(filepath.Join(dir, report.Files.JUnit))
	if err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	if len(suites) != 1 {
		t.Fatalf("%d suites, want 1", len(suites))
	}
	s := suites[0]
	servers := len(q.tiers["db"]) + len(q.tiers["app"]) + len(q.tiers["web"])
	want := 3 + servers + 1 + 1 // waves, servers, db's RTO, the total RTO
	if s.Totals.Tests != want || s.Totals.Passed != want || s.Totals.Failed != 0 {
		t.Errorf("junit totals %+v, want %d tests all passed", s.Totals, want)
	}
	if s.Properties["execution"] != arn || s.Properties["type"] != "DRILL" {
		t.Errorf("junit properties %v", s.Properties)
	}
	names := map[string]bool{}
	for _, tc := range s.Tests {
		names[tc.Name] = true
	}
	for _, n := range []string{"wave db recovered", "wave web recovered", "recovery within the RTO of 4h 00m", "wave db within its RTO of 2h 00m"} {
		if !names[n] {
			t.Errorf("junit lacks test case %q (has %v)", n, names)
		}
	}

	html, err := os.ReadFile(filepath.Join(dir, report.Files.HTML))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`<svg class="timeline"`, `class="tl-pause"`, `class="tl-launch"`, "approved by ops@example.com", "JOB_END", "shop-db-1", `class="verdict passed"`, "RTO 4h 00m",
		`<span class="passed">smoke test: SUCCEEDED</span>`} {
		if !bytes.Contains(html, []byte(w)) {
			t.Errorf("report.html lacks %q", w)
		}
	}
	for _, external := range []string{"<script", "<link", `src="http`, "@import"} {
		if bytes.Contains(html, []byte(external)) {
			t.Errorf("report.html is not self-contained: it has %q", external)
		}
	}
	var r struct {
		Outcome   string `json:"outcome"`
		Approvals []struct {
			Wave, ApprovedBy string
		} `json:"approvals"`
		Paused struct{ Seconds int } `json:"pausedTime"`
		Waves  []struct {
			Name    string
			Servers []struct {
				ID                     string `json:"sourceServerId"`
				Hostname, LaunchStatus string
				LaunchActions          []report.LaunchAction
			}
		} `json:"waves"`
	}
	b, err := os.ReadFile(filepath.Join(dir, report.Files.JSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Outcome != "passed" || len(r.Approvals) != 1 || r.Approvals[0].ApprovedBy != "ops@example.com" || r.Paused.Seconds < 180 {
		t.Errorf("report.json: outcome %s, approvals %+v, paused %ds", r.Outcome, r.Approvals, r.Paused.Seconds)
	}
	actions := 0
	for _, w := range r.Waves {
		for _, s := range w.Servers {
			actions += len(s.LaunchActions)
			if s.ID == web && (len(s.LaunchActions) != 1 || s.LaunchActions[0].Name != "smoke test" || s.LaunchActions[0].Status != "SUCCEEDED") {
				t.Errorf("report.json: web server %s launch actions %+v", web, s.LaunchActions)
			}
		}
	}
	if actions != 1 {
		t.Errorf("report.json: %d launch action runs, want 1", actions)
	}
	t.Logf("report: %s", dir)
}

// TestFailedDrillReportFailsInJUnit: a server that fails to launch is a
// failed test case, the wave too, and --check exits 4; a missed RTO is a
// failure of its own.
func TestFailedDrillReportFailsInJUnit(t *testing.T) {
	q := deployQuickstart(t)
	bad := q.tiers["app"][0]
	if err := q.svc.App.DRS.SetFailLaunch(drssim.Estate{}, true, bad); err != nil {
		t.Fatal(err)
	}
	arn := q.runDrill(t)
	dir := t.TempDir()
	out, err := q.runReport(t, arn, "--out", dir, "--rto", "1s", "--check")
	if cli.ExitCode(err) != cli.ExitRunFailed {
		t.Fatalf("report --check of a failed drill: %v (exit %d)\n%s", err, cli.ExitCode(err), out)
	}
	suites, err := junit.IngestFile(filepath.Join(dir, report.Files.JUnit))
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, tc := range suites[0].Tests {
		if tc.Status == junit.StatusFailed {
			failed[tc.Name] = true
		}
	}
	if !failed["wave app recovered"] || !failed["recovery within the RTO of 1s"] {
		t.Errorf("failed cases %v", failed)
	}
	hostFailed := false
	for n := range failed {
		hostFailed = hostFailed || strings.Contains(n, bad)
	}
	if !hostFailed {
		t.Errorf("server %s is not a failed case: %v", bad, failed)
	}
}

// TestTimelineEscapesNames: names reach the SVG escaped.
func TestTimelineEscapesNames(t *testing.T) {
	r := &report.Report{Execution: report.Execution{Name: `x"><script>`, Plan: "<p>", Type: "DRILL"},
		Waves: []report.Wave{{Name: "<w>", Status: "RECOVERED", Servers: []report.Server{{ID: "s-1", Hostname: "<img src=x>"}}}}}
	svg := string(report.Timeline(r))
	if strings.Contains(svg, "<script>") || strings.Contains(svg, "<img") || strings.Contains(svg, "<w>") || strings.Contains(svg, "<p>") {
		t.Fatalf("unescaped markup in the timeline:\n%s", svg)
	}
}
