package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

func TestPlans(t *testing.T) {
	h := newHarness(t)
	r := h.mustRun(t, 0, "", "plans")
	if !strings.Contains(r.stdout, "No recovery plans are deployed in us-east-1") {
		t.Fatalf("empty region: %s", r)
	}
	h.deployShop(t, "shop", true)
	h.deploy(t, recoveryplan.Plan{Name: "web-only", Waves: []recoveryplan.Wave{{Name: "web", ProtectionGroup: "shop-web", ServerIDs: h.servers["web"]}}})

	r = h.mustRun(t, 0, "", "plans")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "PLAN") {
		t.Fatalf("want a header and two plans: %s", r)
	}
	if f := strings.Fields(lines[1]); strings.Join(f, " ") != "shop 3 3 9 - - -" {
		t.Fatalf("shop row %q", lines[1])
	}

	h.mustRun(t, 0, "", "start", "shop", "--drill", "--name", "first")
	list := decode[[]cli.PlanJSON](t, h.mustRun(t, 0, "", "plans", "--json"))
	if len(list) != 2 || list[0].Name != "shop" || list[0].Levels != 3 || list[0].Servers != 9 || len(list[0].Waves) != 3 {
		t.Fatalf("plans --json = %+v", list)
	}
	if w := list[0].Waves[2]; w.Name != "web" || w.Level != 3 || !w.PauseBefore || len(w.Servers) != 4 {
		t.Fatalf("web wave = %+v", w)
	}
	if l := list[0].LastExecution; l == nil || l.Name != "first" || l.Status != "RUNNING" || l.StartedAt == nil {
		t.Fatalf("last execution = %+v", l)
	}
	if list[1].Name != "web-only" || list[1].LastExecution != nil {
		t.Fatalf("web-only = %+v", list[1])
	}
}

func TestDrillPausedResumedWatchedTerminated(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", true)

	h.drive("DescribeExecution")
	r := h.mustRun(t, 0, "", "start", "shop", "--drill", "--wait", "paused", "--name", "drill-1")
	h.drive("")
	if !strings.Contains(r.stderr, "waiting until paused") || !strings.Contains(r.stderr, "db RECOVERED 2/2") {
		t.Fatalf("progress on stderr: %s", r)
	}
	arn := "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:drill-1"
	for _, want := range []string{
		"drill-1  DRILL of plan shop", "Status   PAUSED before wave web", "by arn:aws:", "Wave db (level 1)  RECOVERED  job ",
		"Wave web (level 3)  PAUSED", "drsorch resume " + arn + " --wave web",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("start output lacks %q: %s", want, r)
		}
	}

	// status by name, for people and for scripts.
	r = h.mustRun(t, 0, "", "status", "drill-1")
	if !strings.Contains(r.stdout, "LAUNCHED") || !strings.Contains(r.stdout, "RUNNING") || strings.Contains(r.stdout, "\x1b[") {
		t.Fatalf("status: %s", r)
	}
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", arn, "--json"))
	if e.Status != "RUNNING" || e.Phase != "PAUSED before wave web" || e.PausedBefore != "web" || e.Type != "DRILL" ||
		e.Plan != "shop" || !strings.HasPrefix(e.InvokedBy, "arn:aws:") || e.StoppedAt != nil || len(e.Waves) != 3 {
		t.Fatalf("status --json = %+v", e)
	}
	if e.ResumeCommand != "drsorch resume "+arn+" --wave web" {
		t.Fatalf("resume command %q", e.ResumeCommand)
	}
	db := e.Waves[0]
	if db.Name != "db" || db.Level != 1 || db.Status != "RECOVERED" || db.JobID == "" || len(db.Servers) != 2 {
		t.Fatalf("db wave = %+v", db)
	}
	for _, s := range db.Servers {
		if s.LaunchStatus != "LAUNCHED" || s.EC2InstanceID == "" || s.EC2InstanceState != "RUNNING" || s.RecoveryInstanceID == "" {
			t.Fatalf("db server = %+v", s)
		}
	}

	// Only the paused wave can be resumed; a running drill cannot be terminated.
	if r = h.mustRun(t, cli.ExitRefused, "", "resume", "drill-1", "--wave", "app"); !strings.Contains(r.stderr, "not paused") {
		t.Fatalf("resume app: %s", r)
	}
	if r = h.mustRun(t, cli.ExitNotFound, "", "resume", "drill-1", "--wave", "cache"); !strings.Contains(r.stderr, `no wave "cache" (waves: db, app, web)`) {
		t.Fatalf("resume cache: %s", r)
	}
	h.mustRun(t, cli.ExitUsage, "", "resume", "drill-1")
	if r = h.mustRun(t, cli.ExitRefused, "", "terminate", "drill-1"); !strings.Contains(r.stderr, "still running") {
		t.Fatalf("terminate while running: %s", r)
	}
	r = h.mustRun(t, 0, "", "resume", "drill-1", "--wave", "web")
	if !strings.Contains(r.stdout, "Approved wave web of drill-1") {
		t.Fatalf("resume: %s", r)
	}

	// Watch on a pipe appends frames until the drill ends.
	h.drive("DescribeExecution")
	r = h.mustRun(t, 0, "", "status", "drill-1", "--watch")
	h.drive("")
	if strings.Count(r.stdout, "drill-1  DRILL of plan shop") < 2 || !strings.Contains(r.stdout, "\n--- ") || strings.Contains(r.stdout, "\x1b[") {
		t.Fatalf("watch on a pipe: %s", r)
	}
	frames := strings.Split(r.stdout, "\n--- ")
	if last := frames[len(frames)-1]; !strings.Contains(last, "Status   SUCCEEDED") || strings.Contains(last, "PAUSED") {
		t.Fatalf("last frame: %s", last)
	}

	// Terminate waits for DRS's terminate job and reports what went.
	h.drive("DescribeJobs")
	r = h.mustRun(t, 0, "", "terminate", "drill-1")
	h.drive("")
	if !strings.Contains(r.stdout, "Terminated 9 recovery instances of drill-1 (DRS job ") || !strings.Contains(r.stdout, "  web   "+h.servers["web"][0]+"  i-") {
		t.Fatalf("terminate: %s", r)
	}
	ris, err := h.drs.DescribeRecoveryInstances(context.Background(), &drs.DescribeRecoveryInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ri := range ris.Items {
		if ri.Ec2InstanceState != drstypes.EC2InstanceStateTerminated {
			t.Fatalf("recovery instance %s is %s after terminate", aws.ToString(ri.RecoveryInstanceID), ri.Ec2InstanceState)
		}
	}
	r = h.mustRun(t, 0, "", "terminate", "drill-1", "--json")
	if tj := decode[cli.TerminateJSON](t, r); tj.ExecutionARN != arn || len(tj.Terminated) != 0 {
		t.Fatalf("second terminate: %+v", tj)
	}
}

func TestWatchRedrawsInPlaceOnATerminal(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--name", "d")
	h.terminal = true
	h.drive("DescribeExecution")
	r := h.mustRun(t, 0, "", "status", "d", "--watch")
	if n := strings.Count(r.stdout, "\x1b[H\x1b[2J"); n < 2 || strings.Contains(r.stdout, "\n--- ") {
		t.Fatalf("want redraws in place (%d): %s", n, r)
	}
	if !strings.Contains(r.stdout, "\x1b[32mSUCCEEDED") {
		t.Fatalf("want colours on a terminal: %q", r.stdout)
	}
	h.env["NO_COLOR"] = "1"
	if r = h.mustRun(t, 0, "", "status", "d"); strings.Contains(r.stdout, "\x1b[3") {
		t.Fatalf("NO_COLOR still colours: %q", r.stdout)
	}
}

func TestRecoveryNeedsConfirmation(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", true)
	for _, stdin := range []string{"", "yes\n", "SHOP\n"} {
		r := h.mustRun(t, cli.ExitRefused, stdin, "start", "shop", "--recovery")
		if !strings.Contains(r.stderr, "RECOVERY of plan shop") || !strings.Contains(r.stderr, "confirmation declined") {
			t.Fatalf("stdin %q: %s", stdin, r)
		}
	}
	if hist := decode[[]cli.HistoryJSON](t, h.mustRun(t, 0, "", "history", "--json")); len(hist) != 0 {
		t.Fatalf("a declined recovery started something: %+v", hist)
	}
	r := h.mustRun(t, 0, "shop\n", "start", "shop", "--recovery", "--name", "rec")
	if !strings.Contains(r.stdout, "Started RECOVERY rec of plan shop") {
		t.Fatalf("confirmed recovery: %s", r)
	}

	// Cancel stops it; a second cancel is refused. Its instances are
	// production: terminate refuses without --include-recovery.
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "cancel", "rec", "--json"))
	if e.Status != "ABORTED" || e.Type != "RECOVERY" {
		t.Fatalf("after cancel: %+v", e)
	}
	h.mustRun(t, cli.ExitRefused, "", "cancel", "rec")
	if r = h.mustRun(t, cli.ExitRefused, "", "terminate", "rec"); !strings.Contains(r.stderr, "--include-recovery") {
		t.Fatalf("terminate recovery: %s", r)
	}
	h.mustRun(t, cli.ExitRefused, "no\n", "terminate", "rec", "--include-recovery")
	h.drive("DescribeJobs")
	h.mustRun(t, 0, "", "terminate", "rec", "--include-recovery", "--yes")
}

func TestConflictRefusedNamingBoth(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", true)
	h.deploy(t, recoveryplan.Plan{Name: "web-only", Waves: []recoveryplan.Wave{{Name: "web", ProtectionGroup: "shop-web", ServerIDs: h.servers["web"]}}})
	h.drive("DescribeExecution")
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--wait", "paused", "--name", "busy")
	h.drive("")

	r := h.mustRun(t, cli.ExitRefused, "", "start", "web-only", "--drill")
	arn := "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:busy"
	if !strings.Contains(r.stderr, "plan web-only cannot start") || !strings.Contains(r.stderr, "4 of its servers are busy") ||
		!strings.Contains(r.stderr, "is in running execution "+arn+" of plan shop") || !strings.Contains(r.stderr, h.servers["web"][0]) {
		t.Fatalf("conflict: %s", r)
	}
	// A RECOVERY is checked before the question is asked.
	if r = h.mustRun(t, cli.ExitRefused, "", "start", "web-only", "--recovery"); strings.Contains(r.stderr, "Type the plan name") {
		t.Fatalf("asked to confirm a run that cannot start: %s", r)
	}
	h.mustRun(t, 0, "", "cancel", "busy")
	h.mustRun(t, 0, "", "start", "web-only", "--drill")
}

func TestFailedRunExits4(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	bad := h.servers["app"][1]
	if err := h.svc.App.DRS.SetFailLaunch(estate, true, bad); err != nil {
		t.Fatal(err)
	}
	h.drive("DescribeExecution")
	r := h.mustRun(t, cli.ExitRunFailed, "", "start", "shop", "--drill", "--wait", "completed", "--name", "doomed")
	if !strings.Contains(r.stdout, "Status   FAILED in wave app") || !strings.Contains(r.stdout, bad) || !strings.Contains(r.stderr, "ended FAILED in wave app") {
		t.Fatalf("failed drill: %s", r)
	}
	h.mustRun(t, cli.ExitRunFailed, "", "status", "doomed", "--watch", "--json")
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "doomed", "--json"))
	if e.Waves[1].Status != "FAILED" || !strings.Contains(e.Waves[1].Cause, bad) || e.Waves[2].Status != "PENDING" || e.Waves[2].JobID != "" {
		t.Fatalf("waves after failure: %+v", e.Waves)
	}
}

func TestHistory(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	h.deploy(t, recoveryplan.Plan{Name: "web-only", Waves: []recoveryplan.Wave{{Name: "web", ProtectionGroup: "shop-web", ServerIDs: h.servers["web"]}}})
	h.drive("DescribeExecution")
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--wait", "completed", "--name", "old")
	h.drive("")
	h.svc.App.Clock.Advance(48 * 3600e9)
	h.mustRun(t, 0, "", "start", "web-only", "--drill", "--name", "new")

	r := h.mustRun(t, 0, "", "history")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "web-only  new") || !strings.Contains(lines[2], "shop") || !strings.Contains(lines[2], "SUCCEEDED") {
		t.Fatalf("history: %s", r)
	}
	all := decode[[]cli.HistoryJSON](t, h.mustRun(t, 0, "", "history", "--json"))
	if all[1].Name != "old" || all[1].Type != "DRILL" || !strings.HasPrefix(all[1].InvokedBy, "arn:aws:") || all[1].DurationSeconds <= 0 || all[1].StoppedAt == nil {
		t.Fatalf("old = %+v", all[1])
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"shop"}, []string{"old"}},
		{[]string{"--since", "1d"}, []string{"new"}},
		{[]string{"--since", "49h"}, []string{"new", "old"}},
		{[]string{"--status", "succeeded"}, []string{"old"}},
		{[]string{"web-only", "--status", "RUNNING"}, []string{"new"}},
		{[]string{"shop", "--status", "FAILED"}, nil},
	} {
		got := decode[[]cli.HistoryJSON](t, h.mustRun(t, 0, "", append([]string{"history", "--json"}, c.args...)...))
		var names []string
		for _, g := range got {
			names = append(names, g.Name)
		}
		if strings.Join(names, ",") != strings.Join(c.want, ",") {
			t.Errorf("history %v = %v, want %v", c.args, names, c.want)
		}
	}
}

func TestQuotas(t *testing.T) {
	h := newHarness(t)
	r := h.mustRun(t, 0, "", "quotas")
	if !strings.Contains(r.stdout, "Concurrent jobs in progress") || !strings.Contains(r.stdout, "service_quotas") {
		t.Fatalf("quotas: %s", r)
	}
	rows := decode[[]cli.QuotaJSON](t, h.mustRun(t, 0, "", "quotas", "--json"))
	byCode := map[string]cli.QuotaJSON{}
	for _, q := range rows {
		byCode[q.Code] = q
	}
	total := byCode["L-E28BE5E0"]
	if len(rows) != 6 || total.Usage == nil || *total.Usage == 0 || *total.Headroom != int(total.Limit)-*total.Usage {
		t.Fatalf("quotas --json = %+v", rows)
	}
	if perJob := byCode["L-B827C881"]; perJob.Usage != nil || perJob.Headroom != nil || perJob.Limit == 0 {
		t.Fatalf("per-job quota has a usage: %+v", perJob)
	}
}

func TestBadArgumentsAndMissingThings(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", true)
	missingExec := "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:nope"
	for _, c := range []struct {
		code int
		args []string
		want string
	}{
		{cli.ExitUsage, []string{"start"}, "start takes one PLAN"},
		{cli.ExitUsage, []string{"start", "shop"}, "--drill (a test) or --recovery"},
		{cli.ExitUsage, []string{"start", "shop", "--drill", "--recovery"}, "only one of --drill and --recovery"},
		{cli.ExitUsage, []string{"start", "shop", "--drill", "--wait", "forever"}, `--wait "forever": use started, paused or completed`},
		{cli.ExitUsage, []string{"start", "bad name!", "--drill"}, "may contain only letters"},
		{cli.ExitUsage, []string{"start", "shop", "--drill", "--bogus"}, "unknown flag: --bogus"},
		{cli.ExitUsage, []string{"status"}, "status takes one EXEC"},
		{cli.ExitUsage, []string{"status", "arn:aws:states:us-east-1:123456789012:stateMachine:x"}, "is not an execution ARN"},
		{cli.ExitUsage, []string{"history", "--since", "soon"}, `--since "soon" is not a positive duration`},
		{cli.ExitUsage, []string{"history", "--status", "PAUSED"}, "use one of RUNNING, SUCCEEDED"},
		{cli.ExitUsage, []string{"history", "a", "b"}, "at most one PLAN"},
		{cli.ExitUsage, []string{"plans", "extra"}, "plans takes no arguments"},
		{cli.ExitNotFound, []string{"start", "nope", "--drill"}, `no recovery plan "nope" is deployed in us-east-1 (deployed: shop)`},
		{cli.ExitNotFound, []string{"status", "nope"}, `no execution named "nope"`},
		{cli.ExitNotFound, []string{"status", missingExec}, "does not exist"},
		{cli.ExitNotFound, []string{"cancel", missingExec}, "does not exist"},
		{cli.ExitNotFound, []string{"history", "nope"}, `no recovery plan "nope"`},
	} {
		r := h.run(t, "", c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("drsorch %s: want exit %d and %q; got %s", strings.Join(c.args, " "), c.code, c.want, r)
		}
	}

	if r := h.runRaw(t, "", "bogus"); r.code != cli.ExitUsage || !strings.Contains(r.stderr, `unknown command "bogus"`) {
		t.Errorf("unknown command: %s", r)
	}
	if r := h.runRaw(t, "", "--help"); r.code != 0 || !strings.Contains(r.stdout, "Exit codes:") || !strings.Contains(r.stdout, "4    the execution ended FAILED") {
		t.Errorf("--help documents the exit codes: %s", r)
	}

	// Configuration: no region is a usage error naming the flag.
	r := h.runRaw(t, "", "plans", "--endpoint", h.url)
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "set --region") {
		t.Errorf("no region: %s", r)
	}
	if r = h.runRaw(t, "", "plans", "--endpoint", "localhost:1", "--region", "us-east-1"); r.code != cli.ExitUsage || !strings.Contains(r.stderr, "--endpoint") {
		t.Errorf("bad endpoint: %s", r)
	}
	// The environment works as well as the flags.
	h.env["DRSORCH_RUN_SERVICE_ENDPOINT"] = h.url
	h.env["AWS_REGION"] = "us-east-1"
	if r = h.runRaw(t, "", "plans"); r.code != 0 || !strings.Contains(r.stdout, "shop") {
		t.Errorf("from the environment: %s", r)
	}
}

func TestInterruptedWatchLeavesTheExecutionRunning(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", true)
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--name", "d")
	// Simulated time stays frozen: the watch would never end; Ctrl-C it
	// after its third read.
	h.interruptAfter.Store(3)
	r := h.mustRun(t, cli.ExitInterrupted, "", "status", "d", "--watch")
	if !strings.Contains(r.stderr, "stopped watching; the execution keeps running") || !strings.Contains(r.stdout, "d  DRILL of plan shop") {
		t.Fatalf("interrupted watch: %s", r)
	}
	if e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "d", "--json")); e.Status != "RUNNING" {
		t.Fatalf("after Ctrl-C the execution is %s", e.Status)
	}
}

func TestQuotaHeadroom(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	h.deploy(t, recoveryplan.Plan{Name: "web-only", Waves: []recoveryplan.Wave{{Name: "web", ProtectionGroup: "shop-web", ServerIDs: h.servers["web"]}}})
	h.deploy(t, recoveryplan.Plan{Name: "db-app", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: h.servers["db"]},
		{Name: "app", ProtectionGroup: "shop-app", ServerIDs: h.servers["app"]}}})

	// Two servers in the first level, one allowed: refused before starting.
	if err := h.svc.App.DRS.SetQuota(estate, "L-05AFA8C6", 1); err != nil {
		t.Fatal(err)
	}
	r := h.mustRun(t, cli.ExitRefused, "", "start", "shop", "--drill")
	if !strings.Contains(r.stderr, "not enough DRS quota headroom") || !strings.Contains(r.stderr, "level 1 recovers 2 servers") {
		t.Fatalf("quota refusal: %s", r)
	}
	if hist := decode[[]cli.HistoryJSON](t, h.mustRun(t, 0, "", "history", "--json")); len(hist) != 0 {
		t.Fatalf("refused start ran: %+v", hist)
	}

	// Four servers busy in web-only's job and six allowed: the first level
	// (2) fits, the second (3) would not if that job still ran: a warning.
	if err := h.svc.App.DRS.SetQuota(estate, "L-05AFA8C6", 6); err != nil {
		t.Fatal(err)
	}
	h.mustRun(t, 0, "", "start", "web-only", "--drill")
	if err := h.svc.App.SFN.Engine().Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	r = h.mustRun(t, 0, "", "start", "db-app", "--drill")
	if !strings.Contains(r.stderr, "warning: Level would exceed servers in active jobs now") || !strings.Contains(r.stdout, "Started DRILL") {
		t.Fatalf("quota warning: %s", r)
	}
	q := decode[[]cli.QuotaJSON](t, h.mustRun(t, 0, "", "quotas", "--json"))
	for _, row := range q {
		if row.Code == "L-05AFA8C6" && (row.Limit != 6 || *row.Usage != 6 || *row.Headroom != 0) {
			t.Fatalf("servers in active jobs: limit %v usage %d headroom %d", row.Limit, *row.Usage, *row.Headroom)
		}
	}
}

func TestRegionComesFromTheARN(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", true)
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--name", "d")
	arn := "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:d"
	if r := h.runRaw(t, "", "status", arn, "--endpoint", h.url); r.code != 0 || !strings.Contains(r.stdout, "d  DRILL of plan shop") {
		t.Fatalf("status by ARN without --region: %s", r)
	}
	r := h.runRaw(t, "", "status", arn, "--endpoint", h.url, "--region", "eu-west-1")
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "is in region us-east-1 but --region is eu-west-1") {
		t.Fatalf("mismatched region: %s", r)
	}
}

func TestHistoryLimit(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	h.drive("DescribeExecution")
	for _, name := range []string{"a", "b", "c"} {
		h.mustRun(t, 0, "", "start", "shop", "--drill", "--name", name, "--wait", "completed")
	}
	h.drive("")
	got := decode[[]cli.HistoryJSON](t, h.mustRun(t, 0, "", "history", "--json", "--limit", "2", "--status", "SUCCEEDED"))
	if len(got) != 2 || got[0].Name != "c" || got[1].Name != "b" {
		t.Fatalf("history --limit 2 = %+v", got)
	}
	h.mustRun(t, cli.ExitUsage, "", "history", "--limit", "-1")
}
