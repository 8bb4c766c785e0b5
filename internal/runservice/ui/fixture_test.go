package ui_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// fixture is a run service with the demo shop deployed as plan "shop":
// db and app in sequence, then web (with cache beside it, same level)
// behind a pause gate.
type fixture struct {
	svc     *runservicetest.Service
	clients executions.Clients
	planARN string
	drills  int                 // drills started, for their names drill-1, drill-2, …
	tiers   map[string][]string // source server IDs of the shop by tier
}

func deploy(t testing.TB) *fixture {
	t.Helper()
	return deployWith(t, nil)
}

// deployWith deploys the shop after change edited its plan.
func deployWith(t testing.TB, change func(*recoveryplan.Plan)) *fixture {
	t.Helper()
	svc := runservicetest.Start(t, runservice.Config{})
	cfg := svc.AWSConfig("us-east-1")
	f := &fixture{svc: svc, clients: executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}}
	all, err := drsapi.ListSourceServers(context.Background(), f.clients.DRS, nil)
	if err != nil {
		t.Fatal(err)
	}
	tiers := map[string][]string{}
	for _, s := range all {
		if s.Tags["app"] == "shop" {
			tiers[s.Tags["tier"]] = append(tiers[s.Tags["tier"]], aws.ToString(s.SourceServerID))
		}
	}
	if len(tiers["db"]) == 0 || len(tiers["app"]) == 0 || len(tiers["web"]) < 2 {
		t.Fatalf("demo estate lacks the shop tiers: %v", tiers)
	}
	f.tiers = tiers
	web := tiers["web"]
	plan := recoveryplan.Plan{Name: "shop", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: tiers["db"]},
		{Name: "app", ProtectionGroup: "shop-app", ServerIDs: tiers["app"]},
		{Name: "web", ProtectionGroup: "shop-web", PauseBefore: true, ServerIDs: web[:len(web)-1]},
		{Name: "edge", ProtectionGroup: "shop-edge", DependsOn: []string{"app"}, DependsOnSet: true, ServerIDs: web[len(web)-1:]},
	}}
	if change != nil {
		change(&plan)
	}
	compiled, err := plans.CompileWithRunner(context.Background(), f.clients.SFN, plan, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.clients.SFN.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(plans.StateMachineName(plan.Name)), Definition: aws.String(compiled.Definition),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	f.planARN = aws.ToString(out.StateMachineArn)
	return f
}

// startDrill starts a drill and drives simulated time until it waits at
// the pause gate before web.
func (f *fixture) startDrill(t testing.TB, runUntilPaused bool) string {
	t.Helper()
	f.drills++
	arn, err := executions.Start(context.Background(), f.clients, f.planARN, executions.TypeDrill, "alice@example.com", fmt.Sprintf("drill-%d", f.drills))
	if err != nil {
		t.Fatal(err)
	}
	if runUntilPaused {
		f.svc.Drive(t, 300, func() bool { return f.describe(t, arn).PausedBefore() == "web" })
	}
	return arn
}

func (f *fixture) describe(t testing.TB, arn string) *executions.Execution {
	t.Helper()
	e, err := executions.Describe(context.Background(), f.clients, arn)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// page is one dashboard response.
type page struct {
	status   int
	body     string
	location string
}

func (p page) mustContain(t *testing.T, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Errorf("page (HTTP %d) lacks %q; body:\n%s", p.status, w, p.body)
		}
	}
}

// noRedirect keeps a 303 visible to the test.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (f *fixture) get(t *testing.T, path string) page {
	t.Helper()
	res, err := noRedirect.Get(f.svc.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

func (f *fixture) post(t *testing.T, path string, form url.Values, header http.Header) page {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.svc.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

func read(t *testing.T, res *http.Response) page {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: res.StatusCode, body: string(b), location: res.Header.Get("Location")}
}

func execPath(arn string) string { return "/ui/executions/" + url.PathEscape(arn) }

func cancelRun(t testing.TB, f *fixture, arn string) {
	t.Helper()
	if err := executions.Cancel(context.Background(), f.clients, arn, "test"); err != nil {
		t.Fatal(err)
	}
}
