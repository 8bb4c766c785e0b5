package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// The drill every execution data source test reads: the shop plan of
// threeTierPlan, run as a DRILL named drill-1 and held at the pause gate
// before web (db and app recovered, web not started).
const (
	drillName = "drill-1"
	drillARN  = "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:" + drillName
	// badInputARN is a second run whose input names no valid type: it
	// fails at once, giving the audit trail a FAILED entry.
	badInputARN = "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:bad-input"
)

func testExecutionClients(env *acctest.Env) executions.Clients {
	cfg := env.Service.AWSConfig(env.Region)
	return executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg)}
}

// startDrillToPause is a step check: it starts drill-1 on the deployed
// plan, drives simulated time until the web wave's pause gate waits, then
// starts the bad-input run.
func startDrillToPause(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		c := testExecutionClients(env)
		planARN := s.RootModule().Resources["drsorch_recovery_plan.shop"].Primary.Attributes["arn"]
		if _, err := executions.Start(ctx, c, planARN, executions.TypeDrill, "ci-pipeline", drillName); err != nil {
			return err
		}
		env.Service.Drive(t, 500, func() bool {
			e, err := executions.Describe(ctx, c, drillARN)
			if err != nil {
				t.Fatal(err)
			}
			if !e.Running() {
				t.Fatalf("drill ended %s before the pause gate: %s", e.Status, e.Cause)
			}
			return e.PausedBefore() == "web"
		})
		env.Service.App.Clock.Advance(time.Minute) // the bad-input run starts later: newest first
		_, err := c.SFN.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(planARN), Name: aws.String("bad-input"),
			Input: aws.String(`{"type":"REHEARSAL","invokedBy":"someone"}`)})
		if err != nil {
			return err
		}
		env.Service.Drive(t, 50, func() bool {
			out, err := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(badInputARN)})
			if err != nil {
				t.Fatal(err)
			}
			return out.StopDate != nil
		})
		return nil
	}
}

// executionDataSources reads the paused drill through every execution
// data source.
const executionDataSources = `
data "drsorch_execution" "by_arn" {
  arn = "` + drillARN + `"
}
data "drsorch_execution" "by_name" {
  plan = "shop"
  name = "` + drillName + `"
}
data "drsorch_execution" "bad_input" {
  arn = "` + badInputARN + `"
}
data "drsorch_executions" "shop" {
  plan = "shop"
}
data "drsorch_executions" "running" {
  statuses = ["RUNNING"]
}
data "drsorch_executions" "failed_or_aborted" {
  statuses = ["FAILED", "ABORTED"]
}
data "drsorch_executions" "in_range" {
  started_after  = "2026-01-05T08:00:00Z"
  started_before = "2026-01-05T09:00:30Z"
}
data "drsorch_executions" "too_late" {
  started_after = "2026-02-01T00:00:00Z"
}
data "drsorch_job_events" "drill" {
  execution_arn = "` + drillARN + `"
}
data "drsorch_job_events" "db_job" {
  job_id = data.drsorch_execution.by_arn.waves[0].job_id
}
data "drsorch_recovery_instances" "drill" {
  execution_arn = "` + drillARN + `"
}
data "drsorch_recovery_instances" "app_servers" {
  execution_arn     = "` + drillARN + `"
  source_server_ids = [for s in data.drsorch_execution.by_arn.waves[1].servers : s.source_server_id]
}
data "drsorch_recovery_instances" "not_drills" {
  is_drill = false
}
`

// TestAccExecutionDataSources runs a drill to its pause gate and reads it
// through drsorch_execution, drsorch_executions, drsorch_job_events and
// drsorch_recovery_instances, checking each against the APIs.
func TestAccExecutionDataSources(t *testing.T) {
	env := acctest.Start(t)
	if !runservicetest.Epoch.Equal(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("the time ranges below assume the run service starts at 2026-01-05T09:00:00Z, not %s", runservicetest.Epoch)
	}
	// force_destroy: the drill is still paused when the test destroys.
	config := env.ProviderConfig(testRole) + threeTierPlan("  force_destroy = true\n")
	const ex, byName = "data.drsorch_execution.by_arn", "data.drsorch_execution.by_name"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: startDrillToPause(t, env)},
			{
				Config: config + executionDataSources,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ex, "plan", "shop"),
					resource.TestCheckResourceAttr(ex, "name", drillName),
					resource.TestCheckResourceAttr(ex, "type", "DRILL"),
					resource.TestCheckResourceAttr(ex, "status", "RUNNING"),
					resource.TestCheckResourceAttr(ex, "phase", "PAUSED before wave web"),
					resource.TestCheckResourceAttr(ex, "paused_before", "web"),
					resource.TestCheckResourceAttr(ex, "invoked_by", "ci-pipeline"),
					resource.TestCheckResourceAttr(ex, "started_at", "2026-01-05T09:00:00Z"),
					resource.TestCheckNoResourceAttr(ex, "stopped_at"),
					resource.TestCheckNoResourceAttr(ex, "error"),
					resource.TestCheckResourceAttr(ex, "waves.#", "3"),
					resource.TestCheckResourceAttr(ex, "waves.0.name", "db"),
					resource.TestCheckResourceAttr(ex, "waves.0.level", "1"),
					resource.TestCheckResourceAttr(ex, "waves.0.status", "RECOVERED"),
					resource.TestCheckResourceAttr(ex, "waves.0.servers.#", "2"),
					resource.TestCheckResourceAttr(ex, "waves.0.servers.0.launch_status", "LAUNCHED"),
					resource.TestCheckResourceAttr(ex, "waves.0.servers.0.ec2_instance_state", "RUNNING"),
					resource.TestCheckResourceAttr(ex, "waves.1.name", "app"),
					resource.TestCheckResourceAttr(ex, "waves.1.status", "RECOVERED"),
					resource.TestCheckResourceAttr(ex, "waves.1.servers.#", "3"),
					resource.TestCheckResourceAttr(ex, "waves.2.name", "web"),
					resource.TestCheckResourceAttr(ex, "waves.2.level", "3"),
					resource.TestCheckResourceAttr(ex, "waves.2.status", "PAUSED"),
					resource.TestCheckResourceAttr(ex, "waves.2.pause_before", "true"),
					resource.TestCheckNoResourceAttr(ex, "waves.2.job_id"),
					resource.TestCheckResourceAttr(ex, "waves.2.servers.#", "4"),
					resource.TestCheckNoResourceAttr(ex, "waves.2.servers.0.launch_status"),
					checkExecutionMatchesAPI(env, ex),
					resource.TestCheckResourceAttrPair(byName, "arn", ex, "arn"),
					resource.TestCheckResourceAttrPair(byName, "waves.1.job_id", ex, "waves.1.job_id"),
					resource.TestCheckResourceAttrPair(byName, "waves.1.servers.2.ec2_instance_id", ex, "waves.1.servers.2.ec2_instance_id"),

					resource.TestCheckResourceAttr("data.drsorch_execution.bad_input", "status", "FAILED"),
					resource.TestCheckResourceAttr("data.drsorch_execution.bad_input", "phase", "FAILED"),
					resource.TestCheckResourceAttr("data.drsorch_execution.bad_input", "type", "REHEARSAL"),
					resource.TestCheckResourceAttr("data.drsorch_execution.bad_input", "error", "drsorch.InvalidInput"),
					resource.TestMatchResourceAttr("data.drsorch_execution.bad_input", "cause", regexp.MustCompile(`DRILL.*RECOVERY`)),
					resource.TestCheckResourceAttrSet("data.drsorch_execution.bad_input", "stopped_at"),
					resource.TestCheckNoResourceAttr("data.drsorch_execution.bad_input", "paused_before"),
					resource.TestCheckResourceAttr("data.drsorch_execution.bad_input", "waves.0.status", "PENDING"),
					resource.TestCheckNoResourceAttr("data.drsorch_execution.bad_input", "waves.0.job_id"),

					checkExecutionsList("data.drsorch_executions.shop", badInputARN+"=FAILED", drillARN+"=RUNNING"),
					resource.TestCheckResourceAttr("data.drsorch_executions.shop", "executions.0.type", "REHEARSAL"),
					resource.TestCheckResourceAttr("data.drsorch_executions.shop", "executions.0.invoked_by", "someone"),
					resource.TestCheckResourceAttrSet("data.drsorch_executions.shop", "executions.0.stopped_at"),
					resource.TestCheckResourceAttr("data.drsorch_executions.shop", "executions.1.plan", "shop"),
					resource.TestCheckResourceAttr("data.drsorch_executions.shop", "executions.1.name", drillName),
					resource.TestCheckResourceAttr("data.drsorch_executions.shop", "executions.1.type", "DRILL"),
					resource.TestCheckResourceAttr("data.drsorch_executions.shop", "executions.1.invoked_by", "ci-pipeline"),
					resource.TestCheckNoResourceAttr("data.drsorch_executions.shop", "executions.1.stopped_at"),
					checkExecutionsList("data.drsorch_executions.running", drillARN+"=RUNNING"),
					checkExecutionsList("data.drsorch_executions.failed_or_aborted", badInputARN+"=FAILED"),
					checkExecutionsList("data.drsorch_executions.in_range", drillARN+"=RUNNING"),
					checkExecutionsList("data.drsorch_executions.too_late"),

					checkJobEvents(env, "data.drsorch_job_events.drill", "db", "app"),
					checkJobEvents(env, "data.drsorch_job_events.db_job", "db"),

					checkRecoveryInstances("data.drsorch_recovery_instances.drill", ex, 0, 1),
					checkRecoveryInstances("data.drsorch_recovery_instances.app_servers", ex, 1),
					resource.TestCheckResourceAttr("data.drsorch_recovery_instances.not_drills", "recovery_instances.#", "0"),
				),
			},
			// The published examples run as written against the paused drill.
			{
				Config: config + exampleConfig(t, "drsorch_execution"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckOutput("phase", "PAUSED before wave web"),
					resource.TestCheckResourceAttr("data.drsorch_execution.current", "arn", drillARN),
				),
			},
			{
				Config: config + exampleConfig(t, "drsorch_executions"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkExecutionsList("data.drsorch_executions.shop_2026", badInputARN+"=FAILED", drillARN+"=RUNNING"),
					checkExecutionsList("data.drsorch_executions.unsuccessful", badInputARN+"=FAILED"),
				),
			},
			{
				Config: config + exampleConfig(t, "drsorch_job_events"),
				Check:  checkJobEvents(env, "data.drsorch_job_events.run", "db", "app"),
			},
			{
				Config: config + exampleConfig(t, "drsorch_recovery_instances"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.drsorch_recovery_instances.drill", "recovery_instances.#", "5"),
					resource.TestCheckResourceAttr("data.drsorch_recovery_instances.recovered", "recovery_instances.#", "0"),
				),
			},
		},
	})
}

// exampleConfig is the published example of a data source.
func exampleConfig(t *testing.T, dataSource string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", dataSource, "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// checkExecutionMatchesAPI compares every wave and server with what
// executions.Describe reads through the SDK.
func checkExecutionMatchesAPI(env *acctest.Env, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		e, err := executions.Describe(context.Background(), testExecutionClients(env), drillARN)
		if err != nil {
			return err
		}
		attrs := s.RootModule().Resources[name].Primary.Attributes
		for i, w := range e.Waves {
			p := fmt.Sprintf("waves.%d.", i)
			if got := attrs[p+"job_id"]; got != w.JobID {
				return fmt.Errorf("%sjob_id = %q, DRS says %q", p, got, w.JobID)
			}
			for j, srv := range w.Servers {
				q := fmt.Sprintf("%sservers.%d.", p, j)
				want := map[string]string{"source_server_id": srv.SourceServerID, "recovery_instance_id": srv.RecoveryInstanceID, "ec2_instance_id": srv.EC2InstanceID}
				for k, v := range want {
					if attrs[q+k] != v {
						return fmt.Errorf("%s%s = %q, want %q", q, k, attrs[q+k], v)
					}
				}
				if w.JobID != "" && (srv.RecoveryInstanceID == "" || srv.EC2InstanceID == "") {
					return fmt.Errorf("%s: launched server without recovery or EC2 instance", q)
				}
			}
		}
		return nil
	}
}

// checkExecutionsList checks the executions listed, in order, as
// "arn=status" entries.
func checkExecutionsList(name string, want ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[name].Primary.Attributes
		n, _ := strconv.Atoi(attrs["executions.#"])
		var got []string
		for i := range n {
			got = append(got, attrs[fmt.Sprintf("executions.%d.arn", i)]+"="+attrs[fmt.Sprintf("executions.%d.status", i)])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("%s lists %v, want %v", name, got, want)
		}
		return nil
	}
}

// checkJobEvents checks that the events are those of the waves' jobs, in
// time order, each job starting with JOB_START, tagged with its wave.
func checkJobEvents(env *acctest.Env, name string, waves ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		e, err := executions.Describe(context.Background(), testExecutionClients(env), drillARN)
		if err != nil {
			return err
		}
		jobWave := map[string]string{}
		for _, w := range waves {
			wave, _ := e.Wave(w)
			jobWave[wave.JobID] = w
		}
		attrs := s.RootModule().Resources[name].Primary.Attributes
		n, _ := strconv.Atoi(attrs["events.#"])
		started := map[string]bool{}
		var last time.Time
		for i := range n {
			p := fmt.Sprintf("events.%d.", i)
			job, event := attrs[p+"job_id"], attrs[p+"event"]
			wave, ok := jobWave[job]
			if !ok {
				return fmt.Errorf("%s%s: job %s is not a job of waves %v", p, event, job, waves)
			}
			if attrs[p+"wave"] != wave {
				return fmt.Errorf("%swave = %q, want %q", p, attrs[p+"wave"], wave)
			}
			at, err := time.Parse(time.RFC3339Nano, attrs[p+"log_date_time"])
			if err != nil {
				return fmt.Errorf("%slog_date_time: %v", p, err)
			}
			if at.Before(last) {
				return fmt.Errorf("%s at %s comes after an event at %s: not in time order", p, at, last)
			}
			last = at
			if !started[job] && event != "JOB_START" {
				return fmt.Errorf("the first event of job %s is %s, want JOB_START", job, event)
			}
			started[job] = true
			if event == "LAUNCH_START" && attrs[p+"event_data.source_server_id"] == "" {
				return fmt.Errorf("%s LAUNCH_START names no source server", p)
			}
		}
		if len(started) != len(waves) {
			return fmt.Errorf("%s has events of %d jobs, want %d (waves %v)", name, len(started), len(waves), waves)
		}
		return nil
	}
}

// checkRecoveryInstances checks that name lists exactly the recovery
// instances of the execution's waves (by index), drills all.
func checkRecoveryInstances(name, execution string, waves ...int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ex := s.RootModule().Resources[execution].Primary.Attributes
		want := map[string]string{} // recovery instance → job
		for _, w := range waves {
			n, _ := strconv.Atoi(ex[fmt.Sprintf("waves.%d.servers.#", w)])
			for j := range n {
				want[ex[fmt.Sprintf("waves.%d.servers.%d.recovery_instance_id", w, j)]] = ex[fmt.Sprintf("waves.%d.job_id", w)]
			}
		}
		attrs := s.RootModule().Resources[name].Primary.Attributes
		n, _ := strconv.Atoi(attrs["recovery_instances.#"])
		if n != len(want) {
			return fmt.Errorf("%s lists %d recovery instances, want %d", name, n, len(want))
		}
		for i := range n {
			p := fmt.Sprintf("recovery_instances.%d.", i)
			id := attrs[p+"recovery_instance_id"]
			job, ok := want[id]
			switch {
			case !ok:
				return fmt.Errorf("%s%s is not an instance of waves %v", p, id, waves)
			case attrs[p+"job_id"] != job:
				return fmt.Errorf("%sjob_id = %s, want %s", p, attrs[p+"job_id"], job)
			case attrs[p+"is_drill"] != "true" || attrs[p+"ec2_instance_state"] != "RUNNING" || attrs[p+"arn"] == "" || attrs[p+"ec2_instance_id"] == "":
				return fmt.Errorf("%s: is_drill=%s state=%s arn=%q ec2=%q", p, attrs[p+"is_drill"], attrs[p+"ec2_instance_state"], attrs[p+"arn"], attrs[p+"ec2_instance_id"])
			}
		}
		return nil
	}
}

// TestAccExecutionNotFoundAndBadInputs: a missing execution is a clear
// error on the attribute that named it; malformed inputs fail validation
// naming the attribute.
func TestAccExecutionNotFoundAndBadInputs(t *testing.T) {
	env := acctest.Start(t)
	missing := "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:nope"
	steps := []resource.TestStep{}
	for _, tc := range []struct{ body, err string }{
		{`arn = "` + missing + `"`, `(?s)Execution not found.*Step Functions has no execution ` + regexp.QuoteMeta(missing)},
		{`plan = "shop"` + "\n" + `name = "nope"`, `(?s)Execution not found.*drsorch-plan-shop:nope`},
		{`arn = "not-an-arn"`, `(?s)Invalid execution ARN.*"not-an-arn" is not a Step Functions execution ARN`},
		{`plan = "shop"`, `(?s)Missing Attribute Configuration.*\[arn,name\]`},
		{`arn = "` + missing + `"` + "\n" + `plan = "shop"`, `(?s)Invalid Attribute Combination.*\[arn,plan\]`},
		{`plan = "shop plan"` + "\n" + `name = "x"`, `(?s)Invalid recovery plan name.*may contain only letters`},
		{`plan = "shop"` + "\n" + `name = "a/b"`, `(?s)Invalid execution name.*"a/b" contains a character`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      env.ProviderConfig() + "data \"drsorch_execution\" \"x\" {\n" + tc.body + "\n}\n",
			ExpectError: errorPattern(tc.err),
		})
	}
	// An execution of a state machine drsorch did not compile.
	const foreign = "arn:aws:states:us-east-1:123456789012:execution:not-a-plan:run-1"
	steps = append(steps, resource.TestStep{
		PreConfig: func() {
			ctx := context.Background()
			api := testExecutionClients(env).SFN
			sm, err := api.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("not-a-plan"),
				RoleArn:    aws.String("arn:aws:iam::123456789012:role/drsorch"),
				Definition: aws.String(`{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}`)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := api.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("run-1")}); err != nil {
				t.Fatal(err)
			}
		},
		Config:      env.ProviderConfig() + "data \"drsorch_execution\" \"x\" {\n  arn = \"" + foreign + "\"\n}\n",
		ExpectError: errorPattern(`(?s)Not a drsorch recovery plan execution.*` + regexp.QuoteMeta(foreign) + ` runs a state machine that drsorch did not compile`),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

func TestCheckExecutionName(t *testing.T) {
	for name, ok := range map[string]bool{"drill-1": true, "2026-01-05T09_00": true, "": false, "a b": false, "x:y": false, string(make([]byte, 81)): false} {
		if err := checkExecutionName(name); (err == nil) != ok {
			t.Errorf("checkExecutionName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

// errorPattern matches an error message however Terraform wraps its
// lines: each space in pattern matches any run of whitespace.
func errorPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}
