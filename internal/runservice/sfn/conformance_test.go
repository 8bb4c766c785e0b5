package sfn_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// conformanceCase is one file of testdata/conformance.
type conformanceCase struct {
	Definition json.RawMessage         `json:"definition"`
	Input      json.RawMessage         `json:"input"`
	Tasks      map[string][]scriptStep `json:"tasks"`
}

type scriptStep struct {
	Output json.RawMessage `json:"output"`
	Error  *string         `json:"error"`
	Cause  string          `json:"cause"`
	Echo   bool            `json:"echo"`
	Hang   bool            `json:"hang"`
}

// conformanceResult is what both engines report for a case.
type conformanceResult struct {
	File             string          `json:"file"`
	Valid            bool            `json:"valid"`
	ValidationErrors string          `json:"validationErrors"`
	Status           string          `json:"status"`
	Output           json.RawMessage `json:"output"`
	Error            string          `json:"error"`
	Cause            string          `json:"cause"`
	States           []string        `json:"states"`
	Calls            map[string]int  `json:"calls"`
}

// TestConformance runs testdata/conformance through this engine and through
// aws-local-stepfunctions (with asl-validator checking every definition):
// outputs, errors, task calls and the states entered must match.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("conformance suite runs Node.js")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the conformance suite needs Node.js 20+ (then run internal/runservice/sfn/conformance/setup.sh)")
	}
	if _, err := os.Stat(filepath.Join("conformance", "node_modules", "aws-local-stepfunctions")); err != nil {
		t.Skip("conformance tools are not installed: run internal/runservice/sfn/conformance/setup.sh (npm ci)")
	}
	dir := filepath.Join("testdata", "conformance")
	out, err := exec.Command(node, filepath.Join("conformance", "run.mjs"), dir).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("run.mjs: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("run.mjs: %v", err)
	}
	var reference []conformanceResult
	if err := json.Unmarshal(out, &reference); err != nil {
		t.Fatalf("run.mjs output: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(reference) != len(files) || len(files) < 10 {
		t.Fatalf("%d reference results for %d cases", len(reference), len(files))
	}
	for _, ref := range reference {
		t.Run(strings.TrimSuffix(ref.File, ".json"), func(t *testing.T) {
			if !ref.Valid {
				t.Fatalf("asl-validator rejects the definition: %s", ref.ValidationErrors)
			}
			raw, err := os.ReadFile(filepath.Join(dir, ref.File))
			if err != nil {
				t.Fatal(err)
			}
			var c conformanceCase
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatal(err)
			}
			got := runConformanceCase(t, c)
			compareConformance(t, c, ref, got)
		})
	}
}

func runConformanceCase(t *testing.T, c conformanceCase) conformanceResult {
	var mu sync.Mutex
	res := conformanceResult{Calls: map[string]int{}}
	handler := func(_ context.Context, state string, params []byte) ([]byte, *asl.Error, bool) {
		mu.Lock()
		n := res.Calls[state]
		res.Calls[state] = n + 1
		mu.Unlock()
		script := c.Tasks[state]
		if len(script) == 0 {
			script = []scriptStep{{Echo: true}}
		}
		step := script[min(n, len(script)-1)]
		switch {
		case step.Hang:
			return nil, nil, false
		case step.Error != nil:
			return nil, &asl.Error{Name: *step.Error, Cause: step.Cause}, true
		case step.Echo:
			return params, nil, true
		}
		return step.Output, nil, true
	}
	st, err := store.Open(store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	clk := simclock.New(runservicetest.Epoch, 0)
	svc, err := sfn.New(sfn.Options{Store: st, Clock: clk, TaskHandler: handler})
	if err != nil {
		t.Fatal(err)
	}
	router := runservice.NewRouter()
	router.HandleTarget(sfn.TargetPrefix, awswire.ContentTypeJSON10, svc)
	srv := httptest.NewServer(router)
	defer func() { srv.Close(); svc.Close(); clk.Close(); st.Close() }()
	// Retries cover a reused keep-alive connection the loaded machine
	// closed ("use of closed network connection"); every call here is
	// idempotent (named state machine and execution, reads).
	client := awssfn.NewFromConfig(aws.Config{Region: region, RetryMaxAttempts: 3, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "")})
	c2 := ctx(t)
	sm, err := client.CreateStateMachine(c2, &awssfn.CreateStateMachineInput{Name: aws.String("case"), RoleArn: aws.String(roleARN),
		Definition: aws.String(string(c.Definition))})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	// The name matches the context run.mjs gives aws-local-stepfunctions.
	start, err := client.StartExecution(c2, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("conformance"), Input: aws.String(string(c.Input))})
	if err != nil {
		t.Fatal(err)
	}
	settle := func() {
		if err := svc.Engine().Settle(c2); err != nil {
			t.Fatal(err)
		}
	}
	settle()
	var d *awssfn.DescribeExecutionOutput
	for i := 0; ; i++ {
		if d, err = client.DescribeExecution(c2, &awssfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn}); err != nil {
			t.Fatal(err)
		}
		if d.Status != types.ExecutionStatusRunning {
			break
		}
		next, ok := clk.NextDeadline()
		if !ok || i > 1000 {
			t.Fatalf("execution still RUNNING with nothing left to wait for")
		}
		clk.AdvanceTo(next)
		settle()
	}
	res.Status = string(d.Status)
	if d.Output != nil {
		res.Output = json.RawMessage(*d.Output)
	}
	res.Error, res.Cause = aws.ToString(d.Error), aws.ToString(d.Cause)
	p := awssfn.NewGetExecutionHistoryPaginator(client, &awssfn.GetExecutionHistoryInput{ExecutionArn: start.ExecutionArn})
	for p.HasMorePages() {
		page, err := p.NextPage(c2)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range page.Events {
			if strings.HasSuffix(string(ev.Type), "StateEntered") {
				res.States = append(res.States, *ev.StateEnteredEventDetails.Name)
			}
		}
	}
	return res
}

func compareConformance(t *testing.T, c conformanceCase, ref, got conformanceResult) {
	t.Helper()
	if got.Status != ref.Status {
		t.Fatalf("status %s (error %s: %s), aws-local-stepfunctions says %s (error %s: %s)",
			got.Status, got.Error, got.Cause, ref.Status, ref.Error, ref.Cause)
	}
	if ref.Status == "SUCCEEDED" && !sameJSON(got.Output, ref.Output) {
		t.Errorf("output\n  engine:                  %s\n  aws-local-stepfunctions: %s", got.Output, ref.Output)
	}
	if ref.Status == "FAILED" && got.Error != ref.Error {
		t.Errorf("error %q, aws-local-stepfunctions says %q", got.Error, ref.Error)
	}
	// Top-level states in order; nested ones (branches, iterations) run
	// concurrently, so as a multiset.
	var def struct{ States map[string]json.RawMessage }
	_ = json.Unmarshal(c.Definition, &def)
	top := func(names []string) []string {
		var out []string
		for _, n := range names {
			if _, ok := def.States[n]; ok {
				out = append(out, n)
			}
		}
		return out
	}
	if g, r := top(got.States), top(ref.States); !reflect.DeepEqual(g, r) {
		t.Errorf("top-level states\n  engine:                  %v\n  aws-local-stepfunctions: %v", g, r)
	}
	sorted := func(s []string) []string { s = append([]string(nil), s...); sort.Strings(s); return s }
	if g, r := sorted(got.States), sorted(ref.States); !reflect.DeepEqual(g, r) {
		t.Errorf("states entered\n  engine:                  %v\n  aws-local-stepfunctions: %v", g, r)
	}
	if len(got.Calls)+len(ref.Calls) > 0 && !reflect.DeepEqual(got.Calls, ref.Calls) {
		t.Errorf("task calls %v, aws-local-stepfunctions made %v", got.Calls, ref.Calls)
	}
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
