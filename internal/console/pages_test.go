package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/console"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

func TestPlansPageAndPlanWithGraphMembersAndRuns(t *testing.T) {
	f := deploy(t, console.Config{})
	f.startDrill(t, "drill-1", false)

	list := f.get(t, "/ui/plans")
	if list.status != http.StatusOK {
		t.Fatalf("plans: %d\n%s", list.status, list.body)
	}
	list.mustContain(t, `id="plan-shop"`, `href="/ui/plans/shop?account=123456789012&amp;region=us-east-1"`, "drill-1")

	p := f.get(t, "/ui/plans/shop")
	p.mustContain(t, `<svg class="dag"`, "Waves of plan shop: 3 levels", `id="plan-wave-db"`, `id="plan-wave-edge"`, "shop-web",
		"pause gate", "Level 3", "drill-1", `id="start-drill"`)
	// The estimate, priced through the SDK's Price List client against the
	// run service's simulated prices: db 2 × r5.xlarge, app 3 × m5.large,
	// web and edge 4 × t3.medium (DRS right-sizing BASIC).
	p.mustContain(t, `id="plan-cost"`, `<dd id="cost-per-hour"><strong>$0.9584</strong></dd>`,
		"(the plan sets no RTO: one hour)", `<dd id="cost-drill"><strong>$0.96</strong></dd>`, `<dd id="cost-priced">9 of 9</dd>`)
	// Members show their hostnames beside their IDs.
	for _, id := range f.tiers["db"] {
		p.mustContain(t, `id="server-`+id+`"`)
	}
	if !strings.Contains(p.body, `class="hostname">shop-db-`) {
		t.Errorf("plan page shows no hostname of a db server")
	}
	if missing := f.get(t, "/ui/plans/nope"); missing.status != http.StatusNotFound {
		t.Errorf("unknown plan: %d", missing.status)
	}
}

func TestServersPageFiltersBySearchGroupStateAndReadiness(t *testing.T) {
	f := deploy(t, console.Config{})
	ctx := context.Background()
	// Put the db servers into a protection group by its tag.
	for _, id := range f.tiers["db"] {
		tagServer(t, f, id, map[string]string{drsapi.ProtectionGroupTag: "shop-db"})
	}
	all := f.get(t, "/ui/servers")
	all.mustContain(t, "Protection groups", "shop-db", `id="server-search"`)
	servers, err := drsapi.ListSourceServers(ctx, f.clients.DRS, nil)
	if err != nil {
		t.Fatal(err)
	}
	host := drsapi.Hostname(servers[0])
	one := f.get(t, "/ui/servers?q="+url.QueryEscape(host))
	one.mustContain(t, `class="hostname">`+host+`<`)
	if n := strings.Count(one.body, `<tr id="server-`); n < 1 || n >= len(servers) {
		t.Errorf("search %q shows %d of %d servers", host, n, len(servers))
	}
	group := f.get(t, "/ui/servers?group=shop-db")
	if n := strings.Count(group.body, `<tr id="server-`); n != len(f.tiers["db"]) {
		t.Errorf("group shop-db shows %d servers, want %d", n, len(f.tiers["db"]))
	}
	unassigned := f.get(t, "/ui/servers?group=-")
	if strings.Contains(unassigned.body, `id="server-`+f.tiers["db"][0]+`"`) {
		t.Error("an assigned server is listed as available")
	}
	ready := f.get(t, "/ui/servers?ready=yes&state=CONTINUOUS")
	if strings.Count(ready.body, `<span class="not-ready">`) != 0 {
		t.Error("the ready filter shows servers that are not ready")
	}
}

func TestExecutionsFilterAndHostnamesBesideIDs(t *testing.T) {
	f := deploy(t, console.Config{})
	arn := f.startDrill(t, "drill-1", true)
	f.startDrill(t, "drill-2", false)

	if err := f.cancel(arn); err != nil {
		t.Fatal(err)
	}
	aborted := f.get(t, "/ui/?status=ABORTED")
	aborted.mustContain(t, "drill-1")
	if strings.Contains(aborted.body, ">drill-2<") {
		t.Error("status=ABORTED lists the running drill-2")
	}
	drills := f.get(t, "/ui/?type=DRILL&plan=shop&since=24h")
	drills.mustContain(t, ">drill-1<", ">drill-2<")
	none := f.get(t, "/ui/?type=RECOVERY")
	none.mustContain(t, "No execution matches the filter")

	p := f.get(t, execPath(arn))
	p.mustContain(t, `<td class="hostname">shop-db-`, "Hostname")
}

func TestStartDrillRunsThePreStartCheck(t *testing.T) {
	f := deploy(t, console.Config{})
	confirm := f.get(t, "/ui/plans/shop/start")
	confirm.mustContain(t, "No server of the plan is in another run", `id="confirm-start"`)
	token := csrf(t, confirm)

	// Cross-origin: refused, nothing started.
	evil := f.do(t, http.MethodPost, "/ui/plans/shop/start", url.Values{"csrf": {token}}, http.Header{"Origin": {"https://attacker.example"}})
	if evil.status != http.StatusForbidden {
		t.Fatalf("cross-origin start: %d", evil.status)
	}
	ok := f.do(t, http.MethodPost, "/ui/plans/shop/start", url.Values{"csrf": {token}}, origin(f))
	if ok.status != http.StatusSeeOther || !strings.Contains(ok.location, "/ui/executions/") {
		t.Fatalf("start: %d %q\n%s", ok.status, ok.location, ok.body)
	}
	arn, _ := url.PathUnescape(strings.TrimPrefix(strings.Split(ok.location, "?")[0], "/ui/executions/"))
	e := f.describe(t, arn)
	if e.Type != "DRILL" || !strings.HasPrefix(e.InvokedBy, "arn:aws:") {
		t.Fatalf("started %s by %q", e.Type, e.InvokedBy)
	}

	// A second drill now would share every server: the check refuses it.
	again := f.do(t, http.MethodPost, "/ui/plans/shop/start", url.Values{"csrf": {token}}, origin(f))
	if again.status != http.StatusConflict || !strings.Contains(again.body, "busy elsewhere") {
		t.Fatalf("second start: %d\n%s", again.status, again.body)
	}
}

func TestTerminateDrillInstances(t *testing.T) {
	f := deploy(t, console.Config{})
	arn := f.startDrill(t, "drill-1", true)
	p := f.get(t, execPath(arn))
	p.mustContain(t, `id="terminate-button"`)
	confirm := f.get(t, execPath(arn)+"/terminate")
	confirm.mustContain(t, `id="confirm-terminate"`, "recovery instances")
	token := csrf(t, confirm)
	if evil := f.do(t, http.MethodPost, execPath(arn)+"/terminate", url.Values{"confirm": {"yes"}, "csrf": {token}}, http.Header{"Origin": {"https://attacker.example"}}); evil.status != http.StatusForbidden {
		t.Fatalf("cross-origin terminate: %d", evil.status)
	}
	ok := f.do(t, http.MethodPost, execPath(arn)+"/terminate", url.Values{"confirm": {"yes"}, "csrf": {token}}, origin(f))
	if ok.status != http.StatusSeeOther || !strings.Contains(ok.location, "done=terminating") {
		t.Fatalf("terminate: %d %q\n%s", ok.status, ok.location, ok.body)
	}
	// DRS gets a terminate job for the drill's instances.
	f.svc.Drive(t, 300, func() bool { return f.terminateJobs(t) > 0 })
}

func TestHostnamesTagsAndNamesAreEscaped(t *testing.T) {
	f := deploy(t, console.Config{})
	const evil = `<script>alert("x")</script>`
	id := f.tiers["db"][0]
	tagServer(t, f, id, map[string]string{"note": evil, drsapi.ProtectionGroupTag: "<b>grp</b>"})
	arn := f.startDrill(t, "drill-o'brien", false)
	for _, path := range []string{"/ui/servers", "/ui/servers?q=" + url.QueryEscape(evil), "/ui/", execPath(arn), "/ui/plans/shop"} {
		p := f.get(t, path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.status)
		}
		if strings.Contains(p.body, "<script>") || strings.Contains(p.body, "<b>grp") {
			t.Errorf("%s carries unescaped markup from a tag", path)
		}
		if strings.Contains(p.body, "drill-o'brien") {
			t.Errorf("%s carries the execution name unescaped", path)
		}
	}
	f.get(t, "/ui/servers").mustContain(t, "note=&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "&lt;b&gt;grp&lt;/b&gt;")
	f.get(t, "/ui/").mustContain(t, "drill-o&#39;brien")
}

func tagServer(t *testing.T, f *fixture, id string, tags map[string]string) {
	t.Helper()
	servers, err := drsapi.ListSourceServers(context.Background(), f.clients.DRS, []string{id})
	if err != nil || len(servers) != 1 {
		t.Fatalf("read %s: %v", id, err)
	}
	if _, err := f.clients.DRS.TagResource(context.Background(), &drs.TagResourceInput{ResourceArn: servers[0].Arn, Tags: tags}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) cancel(arn string) error {
	_, err := f.clients.SFN.StopExecution(context.Background(), stopInput(arn))
	return err
}

func (f *fixture) terminateJobs(t *testing.T) int {
	t.Helper()
	out, err := f.clients.DRS.DescribeJobs(context.Background(), &drs.DescribeJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range out.Items {
		if j.Type == "TERMINATE" {
			n++
		}
	}
	return n
}

// terminateJobsDone counts the TERMINATE jobs DRS has completed.
func (f *fixture) terminateJobsDone(t *testing.T) int {
	t.Helper()
	out, err := f.clients.DRS.DescribeJobs(context.Background(), &drs.DescribeJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range out.Items {
		if j.Type == "TERMINATE" && j.Status == "COMPLETED" {
			n++
		}
	}
	return n
}

var _ = aws.String

// TestPlanPageShowsTheExecutionLog: a plan whose state machine logs to
// CloudWatch Logs shows its newest events, read with FilterLogEvents.
func TestPlanPageShowsTheExecutionLog(t *testing.T) {
	f := deploy(t, console.Config{})
	ctx := context.Background()
	const group = "/aws/vendedlogs/states/drsorch-plan-shop"
	if _, err := f.aws.Logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	off := f.get(t, "/ui/plans/shop")
	off.mustContain(t, "does not log to CloudWatch Logs")
	_, err := f.clients.SFN.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(f.planARN),
		LoggingConfiguration: &sfntypes.LoggingConfiguration{Level: sfntypes.LogLevelAll, Destinations: []sfntypes.LogDestination{{
			CloudWatchLogsLogGroup: &sfntypes.CloudWatchLogsLogGroup{LogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:" + group + ":*")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	f.svc.App.Clock.Advance(time.Minute) // past Step Functions' update window
	f.startDrill(t, "drill-logged", true)
	p := f.get(t, "/ui/plans/shop")
	p.mustContain(t, "CloudWatch Logs group "+group, `id="plan-log"`, "<code>drill-logged</code>", "TaskScheduled · putEvents.waitForTaskToken")
}
