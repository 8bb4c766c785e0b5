package sfn_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

const helperEnv = "DRSORCH_SFN_SERVE_DIR"

// TestServeHelper is not a test: TestKillNine runs this test binary again
// with helperEnv set, and this function then serves the run service on a
// file data dir (frozen clock) until it is killed.
func TestServeHelper(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process for TestKillNine")
	}
	app, err := runservice.New(runservice.Config{DataDir: dir, TimeScale: 0, Inventory: os.Getenv(helperInventoryEnv)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(dir, "url.tmp"), []byte("http://"+ln.Addr().String()), 0o644); err != nil {
		os.Exit(1)
	}
	_ = os.Rename(filepath.Join(dir, "url.tmp"), filepath.Join(dir, "url"))
	_ = http.Serve(ln, app.Handler())
}

type serveProcess struct {
	cmd *exec.Cmd
	url string
}

func startServeProcess(t *testing.T, dir string) *serveProcess {
	t.Helper()
	_ = os.Remove(filepath.Join(dir, "url"))
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeHelper$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		if raw, err := os.ReadFile(filepath.Join(dir, "url")); err == nil {
			return &serveProcess{cmd: cmd, url: string(raw)}
		}
		if time.Now().After(deadline) {
			t.Fatal("the serve helper did not start")
		}
		time.Sleep(10 * time.Millisecond) // waiting for a process to start, not for simulated time
	}
}

func (p *serveProcess) control(t *testing.T, path, body string) {
	t.Helper()
	resp, err := http.Post(p.url+path, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", path, resp.StatusCode)
	}
}

// client keeps the SDK's default retries: across processes the SDK now and
// then reads a large response on a connection its own write loop closed
// (aws-sdk-go-v2 issue 2737), which it retries by default; a single attempt
// would make this test flaky for a reason outside the run service.
func (p *serveProcess) client() *awssfn.Client {
	return awssfn.NewFromConfig(aws.Config{Region: region, RetryMaxAttempts: 3, BaseEndpoint: aws.String(p.url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAKILLNINE00000000", "x", "")})
}

// kill -9 of a real process in the middle of many running executions: the
// next process on the same data dir resumes each one where it stood, and
// every execution ends with the output of an uninterrupted run.
func TestKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	p := startServeProcess(t, dir)
	c := p.client()
	cx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const rounds, executions = 30, 20
	sm, err := c.CreateStateMachine(cx, &awssfn.CreateStateMachineInput{Name: aws.String("rounds"), RoleArn: aws.String(roleARN),
		Definition: aws.String(`{"StartAt":"Check","States":{
			"Check":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThanPath":"$.max","Next":"Step"}],"Default":"Done"},
			"Step":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)","max.$":"$.max"},"Next":"Nap"},
			"Nap":{"Type":"Wait","Seconds":1,"Next":"Check"},
			"Done":{"Type":"Succeed"}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for i := 0; i < executions; i++ {
		out, err := c.StartExecution(cx, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn,
			Input: aws.String(fmt.Sprintf(`{"i":0,"max":%d}`, rounds))})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, *out.ExecutionArn)
	}
	// Advance without waiting for the engine, then kill it mid-flight.
	for i := 0; i < rounds/2; i++ {
		p.control(t, "/_sim/advance", `{"seconds":1}`)
	}
	if err := p.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = p.cmd.Wait()

	p = startServeProcess(t, dir)
	c = p.client()
	for i := 0; i < 3*rounds; i++ {
		p.control(t, "/_sim/sfn/settle", `{}`)
		p.control(t, "/_sim/advance", `{"seconds":1}`)
	}
	p.control(t, "/_sim/sfn/settle", `{}`)
	for _, arn := range arns {
		d, err := c.DescribeExecution(cx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, d, types.ExecutionStatusSucceeded)
		jsonEqual(t, *d.Output, fmt.Sprintf(`{"i":%d,"max":%d}`, rounds, rounds))
		var naps int
		var id int64
		pg := awssfn.NewGetExecutionHistoryPaginator(c, &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
		for pg.HasMorePages() {
			page, err := pg.NextPage(cx)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range page.Events {
				id++
				if ev.Id != id {
					t.Fatalf("%s: event %d has id %d", arn, id, ev.Id)
				}
				if ev.Type == types.HistoryEventTypeWaitStateEntered {
					naps++
				}
			}
		}
		if naps != rounds {
			t.Fatalf("%s: %d waits, want %d (a step ran twice or went missing)", arn, naps, rounds)
		}
	}
}
