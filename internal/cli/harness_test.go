package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// harness is a run service with the demo shop deployed as plans, and a
// front door for the CLI that can move simulated time forward on each poll.
type harness struct {
	svc     *runservicetest.Service
	sfn     *sfn.Client
	drs     *drs.Client
	url     string
	servers map[string][]string // tier -> source server IDs
	// driveOn names the API call ("DescribeExecution", "DescribeJobs")
	// before which simulated time jumps to its next event; empty: frozen.
	driveOn atomic.Value
	// interruptAfter, when positive, cancels the running command (Ctrl-C)
	// once that many DescribeExecution calls have been served.
	interruptAfter atomic.Int32
	cancelRun      context.CancelFunc
	// calls counts the API requests served through the front door.
	calls atomic.Int64
	// terminal makes the CLI believe stdout is a terminal.
	terminal bool
	env      map[string]string
}

var estate = drssim.Estate{Account: "123456789012", Region: "us-east-1"}

func newHarness(t testing.TB) *harness {
	t.Helper()
	svc := runservicetest.Start(t, runservice.Config{})
	cfg := svc.AWSConfig("us-east-1")
	cfg.HTTPClient = awsclient.NewHTTPClient()
	h := &harness{svc: svc, sfn: sfn.NewFromConfig(cfg), drs: drs.NewFromConfig(cfg), servers: map[string][]string{}, env: map[string]string{}}
	h.driveOn.Store("")
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.calls.Add(1)
		if op := h.driveOn.Load().(string); op != "" && isCall(r, op) {
			h.tick(t, op)
		}
		svc.App.Handler().ServeHTTP(w, r)
		if isCall(r, "DescribeExecution") && h.interruptAfter.Add(-1) == 0 {
			h.cancelRun()
		}
	}))
	t.Cleanup(front.Close)
	h.url = front.URL
	all, err := drsapi.ListSourceServers(context.Background(), h.drs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Tags["app"] == "shop" {
			h.servers[s.Tags["tier"]] = append(h.servers[s.Tags["tier"]], aws.ToString(s.SourceServerID))
		}
	}
	return h
}

func isCall(r *http.Request, op string) bool {
	return strings.HasSuffix(r.Header.Get("X-Amz-Target"), "."+op) || r.URL.Path == "/"+op
}

// tick moves simulated time to the next thing that happens before the CLI
// reads: for an execution, the engine's next timer (then the engine
// settles, so the read sees its effect); for DRS jobs alone (terminate),
// 30 simulated seconds of job progress.
func (h *harness) tick(t testing.TB, op string) {
	if op == "DescribeJobs" {
		h.svc.App.DRS.Advance(30 * time.Second)
		return
	}
	engine := h.svc.App.SFN.Engine()
	if err := engine.Settle(context.Background()); err != nil {
		t.Errorf("settle: %v", err)
	}
	if next, ok := h.svc.App.Clock.NextDeadline(); ok {
		h.svc.App.Clock.AdvanceTo(next)
	}
	if err := engine.Settle(context.Background()); err != nil {
		t.Errorf("settle: %v", err)
	}
}

// deployShop deploys db → app → (pause) web under name.
func (h *harness) deployShop(t testing.TB, name string, pause bool) string {
	return h.deploy(t, recoveryplan.Plan{Name: name, Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: h.servers["db"]},
		{Name: "app", ProtectionGroup: "shop-app", ServerIDs: h.servers["app"]},
		{Name: "web", ProtectionGroup: "shop-web", PauseBefore: pause, ServerIDs: h.servers["web"]},
	}})
}

func (h *harness) deploy(t testing.TB, p recoveryplan.Plan) string {
	t.Helper()
	c, err := plans.CompileWithRunner(context.Background(), h.sfn, p, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.sfn.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(plans.StateMachineName(p.Name)), Definition: aws.String(c.Definition),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineArn)
}

// result is one CLI invocation.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return "exit " + itoa(r.code) + "\n--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// run runs the CLI in process against the harness, in us-east-1.
func (h *harness) run(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	return h.runRaw(t, stdin, append(args, "--endpoint", h.url, "--region", "us-east-1", "--poll-interval", "1ms")...)
}

// runRaw runs the CLI with exactly args.
func (h *harness) runRaw(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Lookup:   func(k string) (string, bool) { v, ok := h.env[k]; return v, ok },
		Now:      h.svc.App.Clock.Now,
		Terminal: func(io.Writer) bool { return h.terminal },
	}
	root := cli.NewRoot(env)
	root.SetArgs(args)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	h.cancelRun = cancel
	err := root.ExecuteContext(ctx)
	if err != nil {
		errb.WriteString("drsorch: " + err.Error() + "\n")
	}
	return result{stdout: out.String(), stderr: errb.String(), code: cli.ExitCode(err)}
}

// mustRun fails the test unless the command exits with code.
func (h *harness) mustRun(t testing.TB, code int, stdin string, args ...string) result {
	t.Helper()
	r := h.run(t, stdin, args...)
	if r.code != code {
		t.Fatalf("drsorch %s: want exit %d, got %s", strings.Join(args, " "), code, r)
	}
	return r
}

// drive makes simulated time jump before each named API call.
func (h *harness) drive(op string) { h.driveOn.Store(op) }

func decode[T any](t testing.TB, r result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("stdout is not the expected JSON: %v\n%s", err, r)
	}
	return v
}
