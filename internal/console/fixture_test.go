package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/console"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// The run service's key, written to its credentials file; the console
// finds it in the environment like any AWS credentials.
const (
	operatorKey    = "AKIACONSOLEOPERATOR1"
	operatorSecret = "console-test-secret-0123456789abcdef"
)

// fixture is `drsorch serve` with signature checks on, addressed as AWS
// through AWS_ENDPOINT_URL and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the
// demo shop deployed as plan "shop", and a console in front of it.
type fixture struct {
	svc     *runservicetest.Service
	aws     *awsclient.Clients // built the way the console builds its own
	clients executions.Clients
	planARN string
	tiers   map[string][]string
	console *console.Console
	url     string // the console's base URL
}

// awsEnvironment points the SDK's default chain at the run service, as an
// operator would: environment variables only.
func awsEnvironment(t *testing.T, svcURL string) {
	t.Setenv("AWS_ENDPOINT_URL", svcURL)
	t.Setenv("AWS_ACCESS_KEY_ID", operatorKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", operatorSecret)
	t.Setenv("AWS_REGION", "us-east-1")
	for _, v := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE", awsclient.EnvRunServiceEndpoint, console.EnvToken} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	// No shared files of the machine's user.
	empty := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
}

// startService starts the run service with a credentials file, so every
// request the console makes must be signed with the operator's key.
func startService(t *testing.T) *runservicetest.Service {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run-service.keys")
	if err := os.WriteFile(path, []byte(operatorKey+" "+operatorSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := runservice.LoadCredentialsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return runservicetest.Start(t, runservice.Config{Credentials: keys})
}

func deploy(t *testing.T, cfg console.Config) *fixture {
	t.Helper()
	return deployPlan(t, cfg, nil)
}

// deployPlan is deploy with the shop plan changed by edit first.
func deployPlan(t *testing.T, cfg console.Config, edit func(*recoveryplan.Plan)) *fixture {
	t.Helper()
	svc := startService(t)
	awsEnvironment(t, svc.URL)
	ctx := context.Background()
	c, err := awsclient.New(ctx, awsclient.Settings{}, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{svc: svc, aws: c, clients: executions.Clients{SFN: c.SFN, DRS: c.DRS, Quotas: c.ServiceQuotas}}
	all, err := drsapi.ListSourceServers(ctx, c.DRS, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.tiers = map[string][]string{}
	for _, s := range all {
		if s.Tags["app"] == "shop" {
			f.tiers[s.Tags["tier"]] = append(f.tiers[s.Tags["tier"]], aws.ToString(s.SourceServerID))
		}
	}
	web := f.tiers["web"]
	if len(f.tiers["db"]) == 0 || len(f.tiers["app"]) == 0 || len(web) < 2 {
		t.Fatalf("demo estate lacks the shop tiers: %v", f.tiers)
	}
	plan := recoveryplan.Plan{Name: "shop", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: f.tiers["db"]},
		{Name: "app", ProtectionGroup: "shop-app", ServerIDs: f.tiers["app"]},
		{Name: "web", ProtectionGroup: "shop-web", PauseBefore: true, ServerIDs: web[:len(web)-1]},
		{Name: "edge", ProtectionGroup: "shop-edge", DependsOn: []string{"app"}, DependsOnSet: true, ServerIDs: web[len(web)-1:]},
	}}
	if edit != nil {
		edit(&plan)
	}
	compiled, err := plans.CompileWithRunner(ctx, c.SFN, plan, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String(plans.StateMachineName(plan.Name)), Definition: aws.String(compiled.Definition),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	f.planARN = aws.ToString(out.StateMachineArn)

	cfg.Clients = c
	cfg.Now = svc.App.Clock.Now
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0" // httptest's loopback listener
	}
	f.console, err = console.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.console)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

// startDrill starts a drill and, if asked, drives simulated time until it
// waits at the pause gate before web.
func (f *fixture) startDrill(t *testing.T, name string, untilPaused bool) string {
	t.Helper()
	arn, err := executions.Start(context.Background(), f.clients, f.planARN, executions.TypeDrill, "alice@example.com", name)
	if err != nil {
		t.Fatal(err)
	}
	if untilPaused {
		f.svc.Drive(t, 300, func() bool { return f.describe(t, arn).PausedBefore() == "web" })
	}
	return arn
}

func (f *fixture) describe(t *testing.T, arn string) *executions.Execution {
	t.Helper()
	e, err := executions.Describe(context.Background(), f.clients, arn)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

type page struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (p page) mustContain(t *testing.T, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Errorf("page (HTTP %d) lacks %q; body:\n%s", p.status, w, p.body)
		}
	}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (f *fixture) do(t *testing.T, method, path string, form url.Values, header http.Header) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, f.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (f *fixture) get(t *testing.T, path string) page { return f.do(t, http.MethodGet, path, nil, nil) }

// csrf reads the anti-forgery token from a page's form.
func csrf(t *testing.T, p page) string {
	t.Helper()
	const marker = `name="csrf" value="`
	i := strings.Index(p.body, marker)
	if i < 0 {
		t.Fatalf("page has no csrf field:\n%s", p.body)
	}
	rest := p.body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

func execPath(arn string) string { return "/ui/executions/" + url.PathEscape(arn) }

func origin(f *fixture) http.Header {
	return http.Header{"Origin": {f.url}}
}

var _ = fmt.Sprintf

func stopInput(arn string) *sfn.StopExecutionInput {
	return &sfn.StopExecutionInput{ExecutionArn: aws.String(arn)}
}
