package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// The quickstart's drill with the web servers' launch template pinned:
// examples/quickstart/main.tf as the repository has it, applied by the
// terraform CLI with web_launch_template set (right-sizing NONE and a
// drsorch_launch_template_settings per web server), against the run
// service's demo estate and its default recovery network.

// pinnedWeb is what the test pins for the web servers.
type pinnedWeb struct {
	instanceType, subnet, vpc, group string
	cidr                             netip.Prefix
}

type quickstartDrill struct {
	env *acctest.Env
	tf  *terraformCLI
	pin pinnedWeb
	web []string // source server IDs of the web tier
}

// pinnedQuickstartType is offered by the default network and differs from
// both the web servers' recommended type (what right-sizing would pick)
// and DRS's template, so only the pin can explain it.
const pinnedQuickstartType = "c6i.large"

func startPinnedQuickstart(t *testing.T) *quickstartDrill {
	t.Helper()
	env := startRunning(t)
	t.Setenv("DRSORCH_RUN_SERVICE_ENDPOINT", env.Service.URL)
	t.Setenv("AWS_REGION", env.Region)
	n := lookupNetwork(t, env)
	ec2c := settingsEC2(env)
	sn, err := ec2c.DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{SubnetIds: []string{n.subnetB}})
	if err != nil || len(sn.Subnets) != 1 {
		t.Fatalf("subnet %s: %v", n.subnetB, err)
	}
	// recovery-b, not recovery-a where DRS's templates put every server.
	pin := pinnedWeb{instanceType: pinnedQuickstartType, subnet: n.subnetB, vpc: aws.ToString(sn.Subnets[0].VpcId), group: n.appGroup,
		cidr: netip.MustParsePrefix(aws.ToString(sn.Subnets[0].CidrBlock))}
	ids, _ := demoServers(t, env)
	var web []string
	for host, id := range ids {
		if strings.HasPrefix(host, "shop-web-") {
			web = append(web, id)
		}
	}
	sort.Strings(web)
	if len(web) != 4 {
		t.Fatalf("the demo estate has %d shop web servers, want 4", len(web))
	}
	tf := newTerraformCLI(t, map[string]string{
		"main.tf": readExample(t, "quickstart", "main.tf"),
		"terraform.tfvars": fmt.Sprintf(`web_launch_template = {
  instance_type      = %q
  subnet_id          = %q
  security_group_ids = [%q]
}
`, pin.instanceType, pin.subnet, pin.group),
	})
	return &quickstartDrill{env: env, tf: tf, pin: pin, web: web}
}

// applyToPause applies the quickstart: the drill recovers db and app and
// waits before web.
func (q *quickstartDrill) applyToPause(t *testing.T) *executions.Execution {
	t.Helper()
	q.tf.must("apply", "-auto-approve", "-input=false", "-no-color")
	e := q.describe(t)
	if e.PausedBefore() != "web" {
		t.Fatalf("after the first apply the drill is %s (%s), want paused before web", e.Status, e.Phase())
	}
	return e
}

func (q *quickstartDrill) clients() executions.Clients {
	return executions.Clients{SFN: sfnClient(q.env), DRS: drsClient(q.env), Quotas: servicequotas.NewFromConfig(q.env.Service.AWSConfig(q.env.Region))}
}

// describe reads the drill named in the quickstart's output through the
// Step Functions and DRS clients.
func (q *quickstartDrill) describe(t *testing.T) *executions.Execution {
	t.Helper()
	var out struct{ ARN, Phase string }
	if err := json.Unmarshal(jsonDocument(q.tf.must("output", "-json", "drill")), &out); err != nil || out.ARN == "" {
		t.Fatalf("output drill: %v (%+v)", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e, err := executions.Describe(ctx, q.clients(), out.ARN)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func waveNamed(t *testing.T, e *executions.Execution, name string) executions.Wave {
	t.Helper()
	for _, w := range e.Waves {
		if w.Name == name {
			return w
		}
	}
	t.Fatalf("execution %s has no wave %s", e.Name, name)
	return executions.Wave{}
}

// drillState is the drsorch_execution.drill resource as terraform holds it.
func (q *quickstartDrill) drillState(t *testing.T) map[string]any {
	t.Helper()
	drill := q.tf.stateValues("drsorch_execution.drill")
	if drill == nil {
		t.Fatal("no drsorch_execution.drill in the state")
	}
	return drill
}

// stateWave is one wave of the drill's state, by name.
func stateWave(t *testing.T, drill map[string]any, name string) map[string]any {
	t.Helper()
	waves, _ := drill["waves"].([]any)
	for _, w := range waves {
		if m, _ := w.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("the drill's state has no wave %s: %v", name, drill["waves"])
	return nil
}

// checkWebLaunchActions reads the web wave's DRS job: DRS ran the
// quickstart's smoke-test launch action on every web server, and it
// succeeded.
func (q *quickstartDrill) checkWebLaunchActions(t *testing.T, jobID string) {
	t.Helper()
	out, err := drsClient(q.env).DescribeJobs(context.Background(), &drs.DescribeJobsInput{Filters: &drstypes.DescribeJobsRequestFilters{JobIDs: []string{jobID}}})
	if err != nil || len(out.Items) != 1 {
		t.Fatalf("describe web job %s: %v", jobID, err)
	}
	var servers []string
	for _, p := range out.Items[0].ParticipatingServers {
		id := aws.ToString(p.SourceServerID)
		servers = append(servers, id)
		if p.LaunchActionsStatus == nil || len(p.LaunchActionsStatus.Runs) != 1 {
			t.Errorf("server %s: launch action runs %+v, want the smoke test", id, p.LaunchActionsStatus)
			continue
		}
		run := p.LaunchActionsStatus.Runs[0]
		if aws.ToString(run.Action.Name) != "smoke test" || aws.ToString(run.Action.ActionCode) != "AWS-RunShellScript" ||
			run.Status != drstypes.LaunchActionRunStatusSucceeded {
			t.Errorf("server %s: launch action %q (%s) %s %s, want smoke test (AWS-RunShellScript) SUCCEEDED", id,
				aws.ToString(run.Action.Name), aws.ToString(run.Action.ActionCode), run.Status, aws.ToString(run.FailureReason))
		}
	}
	sort.Strings(servers)
	if !slices.Equal(servers, q.web) {
		t.Errorf("web job servers %v, want %v", servers, q.web)
	}
}

// checkPinnedInstances describes the recovered web instances through EC2:
// they run with the pinned type, in the pinned subnet and group.
func (q *quickstartDrill) checkPinnedInstances(t *testing.T, w executions.Wave) {
	t.Helper()
	var ids []string
	for _, s := range w.Servers {
		ids = append(ids, s.EC2InstanceID)
	}
	if len(ids) != len(q.web) {
		t.Fatalf("web wave servers %+v, want %d", w.Servers, len(q.web))
	}
	out, err := settingsEC2(q.env).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: ids})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			n++
			id := aws.ToString(i.InstanceId)
			if string(i.InstanceType) != q.pin.instanceType {
				t.Errorf("instance %s: type %s, want the pinned %s", id, i.InstanceType, q.pin.instanceType)
			}
			if aws.ToString(i.SubnetId) != q.pin.subnet || aws.ToString(i.VpcId) != q.pin.vpc {
				t.Errorf("instance %s: subnet %s in %s, want the pinned %s in %s", id, aws.ToString(i.SubnetId), aws.ToString(i.VpcId), q.pin.subnet, q.pin.vpc)
			}
			if len(i.SecurityGroups) != 1 || aws.ToString(i.SecurityGroups[0].GroupId) != q.pin.group {
				t.Errorf("instance %s: security groups %+v, want only %s", id, i.SecurityGroups, q.pin.group)
			}
			if ip, err := netip.ParseAddr(aws.ToString(i.PrivateIpAddress)); err != nil || !q.pin.cidr.Contains(ip) {
				t.Errorf("instance %s: private IP %q, want one of %s (the source's is not copied into a pinned subnet)", id, aws.ToString(i.PrivateIpAddress), q.pin.cidr)
			}
		}
	}
	if n != len(ids) {
		t.Errorf("EC2 describes %d of the %d web instances", n, len(ids))
	}
}

// TestAccQuickstartPinnedWebDrill: the quickstart with the web servers'
// launch template pinned drills end to end: db, app, then (approved) web,
// whose instances come up with the pinned type and subnet, run DRS's
// smoke-test launch action, the post_launch command and the HTTP health
// check, all of which succeed; destroy terminates the instances and gives
// the web servers DRS's template versions back.
func TestAccQuickstartPinnedWebDrill(t *testing.T) {
	q := startPinnedQuickstart(t)
	q.applyToPause(t)
	q.tf.must("apply", "-auto-approve", "-input=false", "-no-color", "-var", `approved_waves=["web"]`)

	e := q.describe(t)
	if e.Status != "SUCCEEDED" {
		t.Fatalf("drill %s %s: %s %s", e.Name, e.Status, e.Error, e.Cause)
	}
	web := waveNamed(t, e, "web")
	if web.Status != executions.WaveRecovered {
		t.Fatalf("web wave %s: %s", web.Status, web.Cause)
	}
	q.checkPinnedInstances(t, web)
	q.checkWebLaunchActions(t, web.JobID)
	// The wave's steps, from the run's Step Functions history.
	if len(web.Steps) != 2 {
		t.Fatalf("web steps %+v, want post_launch 1 and health_check 1", web.Steps)
	}
	pl, hc := web.Steps[0], web.Steps[1]
	if pl.Name != "post_launch 1" || pl.Kind != "command" || pl.Document != "AWS-RunShellScript" || pl.Status != "Success" {
		t.Errorf("post_launch step %+v, want command AWS-RunShellScript Success", pl)
	}
	if hc.Name != "health_check 1" || hc.Check != "http://127.0.0.1:80/" || hc.Status != "Success" || hc.ID == "" {
		t.Errorf("health check step %+v, want http://127.0.0.1:80/ Success with its SSM command", hc)
	}
	for _, name := range []string{"db", "app"} {
		if w := waveNamed(t, e, name); w.Status != executions.WaveRecovered {
			t.Errorf("wave %s %s", name, w.Status)
		}
	}

	// What Terraform shows of the same run.
	drill := q.drillState(t)
	if drill["status"] != "SUCCEEDED" {
		t.Errorf("drsorch_execution.drill status %v", drill["status"])
	}
	sw := stateWave(t, drill, "web")
	steps, _ := sw["steps"].([]any)
	for _, s := range steps {
		if st := s.(map[string]any); st["status"] != "Success" {
			t.Errorf("state: web step %v %v", st["name"], st["status"])
		}
	}
	servers, _ := sw["servers"].([]any)
	for _, s := range servers {
		srv := s.(map[string]any)
		actions, _ := srv["launch_actions"].([]any)
		if len(actions) != 1 || actions[0].(map[string]any)["status"] != "SUCCEEDED" {
			t.Errorf("state: server %v launch_actions %v, want the smoke test SUCCEEDED", srv["source_server_id"], srv["launch_actions"])
		}
	}
	if len(steps) != 2 || len(servers) != len(q.web) {
		t.Errorf("state: web wave has %d steps and %d servers", len(steps), len(servers))
	}

	q.tf.must("destroy", "-auto-approve", "-input=false", "-no-color")
	if live, err := liveInstances(q.env); err != nil || len(live) != 0 {
		t.Errorf("destroy left %d recovery instances (%v)", len(live), err)
	}
	for _, id := range q.web {
		v, err := defaultTemplate(q.env, id)
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToInt64(v.VersionNumber) != 1 {
			t.Errorf("server %s: default template version %d after destroy, want DRS's version 1", id, aws.ToInt64(v.VersionNumber))
		}
	}
}

// TestAccQuickstartPinnedWebDrillUnhealthy: when the HTTP health check
// fails on one recovered web server (the run service's SSM outcome rules,
// set over HTTP as a demo would), the approving apply fails, the web wave
// fails with the check's output in its cause, and the drill fails.
func TestAccQuickstartPinnedWebDrillUnhealthy(t *testing.T) {
	q := startPinnedQuickstart(t)
	q.applyToPause(t)
	sick := q.web[1]
	setSSMOutcomes(t, q.env, fmt.Sprintf(`{"rules": [{"check": "http", "sourceServerId": %q, "status": "Failed"}]}`, sick))

	out, err := q.tf.run("apply", "-auto-approve", "-input=false", "-no-color", "-var", `approved_waves=["web"]`)
	if err == nil {
		t.Fatalf("the approving apply succeeded with a failing health check:\n%s", out)
	}
	flat := strings.Join(strings.Fields(out), " ")
	if !regexp.MustCompile(`Execution \S+ FAILED`).MatchString(flat) || !strings.Contains(flat, "expected HTTP 200") {
		t.Errorf("apply error does not show the failed drill and the check's output:\n%s", out)
	}

	e := q.describe(t)
	if e.Status != "FAILED" {
		t.Fatalf("drill %s, want FAILED", e.Status)
	}
	web := waveNamed(t, e, "web")
	var sickInstance string
	for _, s := range web.Servers {
		if s.SourceServerID == sick {
			sickInstance = s.EC2InstanceID
		}
	}
	// The check's output: each attempt's HTTP code, then the verdict.
	cause := regexp.MustCompile(`(?s)^wave web \(job drsjob-[0-9a-f]+\): health_check 1 \(command AWS-RunShellScript, command [0-9a-f-]{36}\) failed on instance ` + regexp.QuoteMeta(sickInstance) +
		`: Failed.*attempt 1: HTTP 000.*http://127\.0\.0\.1:80/: expected HTTP 200, got no answer`)
	if web.Status != executions.WaveFailed || web.Error != "drsorch.WaveStepFailed" || sickInstance == "" || !cause.MatchString(web.Cause) {
		t.Errorf("web wave %s %s, cause:\n%s\nwant WaveStepFailed on %s (%q) with the check's output", web.Status, web.Error, web.Cause, sick, sickInstance)
	}
	if len(web.Steps) != 2 || web.Steps[0].Status != "Success" || web.Steps[1].Status != "FAILED" || !strings.Contains(web.Steps[1].Detail, "expected HTTP 200") {
		t.Errorf("web steps %+v, want post_launch 1 Success and health_check 1 FAILED with the output", web.Steps)
	}
	// The instances themselves came up as pinned, with their launch actions.
	q.checkPinnedInstances(t, web)
	q.checkWebLaunchActions(t, web.JobID)

	drill := q.drillState(t)
	if sw := stateWave(t, drill, "web"); drill["status"] != "FAILED" || sw["status"] != "FAILED" || !cause.MatchString(fmt.Sprint(sw["cause"])) {
		t.Errorf("state: drill %v, web wave %v, cause %v", drill["status"], sw["status"], sw["cause"])
	}
}

// jsonDocument is the JSON terraform printed, without the warnings the CLI
// writes to the same output (a missing CLI configuration file, say).
func jsonDocument(out string) []byte {
	if i := strings.Index(out, "\n{"); i >= 0 && !strings.HasPrefix(out, "{") {
		out = out[i+1:]
	}
	return []byte(out)
}

// setSSMOutcomes replaces the run service's SSM outcome rules through its
// control endpoint.
func setSSMOutcomes(t *testing.T, env *acctest.Env, body string) {
	t.Helper()
	resp, err := http.Post(env.Service.URL+"/_sim/ssm/outcomes", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		t.Fatalf("POST /_sim/ssm/outcomes: %s %s", resp.Status, b.String())
	}
}
