package awsforward_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	smithy "github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awsforward"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// The operator's AWS credentials, which the run service playing AWS
// verifies: every forwarded call must be re-signed with them.
const (
	awsKeyID  = "AKIAEXAMPLEFORWARD00"
	awsSecret = "forwarded-with-this-secret"
)

// startAWS starts a run service standing in for AWS that accepts only the
// operator's credentials.
func startAWS(t *testing.T) *runservicetest.Service {
	t.Helper()
	return runservicetest.Start(t, runservice.Config{Credentials: map[string]string{awsKeyID: awsSecret}})
}

// A run service in "--drs aws" mode runs the state machines itself and
// sends every DRS call, signed with the default credential chain, to the
// DRS endpoint — here another run service standing in for AWS.
func TestRunServiceDrivesExternalDRS(t *testing.T) {
	ctx := context.Background()
	remote := startAWS(t) // plays AWS
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_DRS": remote.URL, "AWS_ENDPOINT_URL_SERVICE_QUOTAS": remote.URL,
		"AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": awsSecret, "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": t.TempDir() + "/none", "AWS_SHARED_CREDENTIALS_FILE": t.TempDir() + "/none",
	} {
		t.Setenv(k, v)
	}
	local := runservicetest.Start(t, runservice.Config{DRSMode: runservice.DRSAWS, Credentials: runservicetest.Keys()})
	if local.App.DRS != nil {
		t.Fatal("a simulator was mounted in aws mode")
	}
	cfg := local.AWSConfig("us-east-1")
	c := executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}

	// DRS and Service Quotas requests to the local service are forwarded.
	servers, err := drsapi.ListSourceServers(ctx, c.DRS, nil)
	if err != nil || len(servers) != 12 {
		t.Fatalf("forwarded DescribeSourceServers: %d servers, %v", len(servers), err)
	}
	if limits, err := drsapi.QuotaLimits(ctx, c.Quotas); err != nil || limits[0].Source != drsapi.SourceServiceQuotas {
		t.Fatalf("forwarded Service Quotas: %+v %v", limits, err)
	}
	var db, web []string
	for _, s := range servers {
		switch s.Tags["tier"] {
		case "db":
			db = append(db, aws.ToString(s.SourceServerID))
		case "web":
			web = append(web, aws.ToString(s.SourceServerID))
		}
	}
	compiled, err := plans.CompileWithRunner(ctx, c.SFN, recoveryplan.Plan{Name: "fwd", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "g-db", ServerIDs: db},
		{Name: "web", ProtectionGroup: "g-web", ServerIDs: web},
	}}, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		t.Fatal(err)
	}
	sm, err := c.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(plans.StateMachineName("fwd")),
		Definition: aws.String(compiled.Definition), RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	arn, err := executions.Start(ctx, c, aws.ToString(sm.StateMachineArn), executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	// Both clocks are frozen; move them together.
	var e *executions.Execution
	for step := 0; ; step++ {
		if err := local.App.SFN.Engine().Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if e, err = executions.Describe(ctx, c, arn); err != nil {
			t.Fatal(err)
		}
		if !e.Running() {
			break
		}
		next, ok := local.App.Clock.NextDeadline()
		if !ok || step > 500 {
			t.Fatalf("drill stuck: %s", e.Phase())
		}
		local.App.Clock.AdvanceTo(next)
		remote.App.Clock.AdvanceTo(next)
	}
	if e.Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("drill %s: %s", e.Status, e.Cause)
	}
	// The jobs ran on the remote DRS.
	remoteCfg := remote.AWSConfig("us-east-1")
	remoteCfg.Credentials = credentials.NewStaticCredentialsProvider(awsKeyID, awsSecret, "")
	jobs, err := drs.NewFromConfig(remoteCfg).DescribeJobs(ctx, &drs.DescribeJobsInput{})
	if err != nil || len(jobs.Items) != 2 {
		t.Fatalf("remote DRS has %d jobs (%v), want 2", len(jobs.Items), err)
	}
	if calls := remote.App.DRS.Stats()["StartRecovery"]; calls != 2 {
		t.Fatalf("remote DRS saw %d StartRecovery calls, want exactly 2", calls)
	}
}

// AWS errors reach the caller as the same exceptions, through the REST
// forwarding and through Invoke (which Step Functions tasks use).
func TestErrorsAreForwarded(t *testing.T) {
	ctx := context.Background()
	remote := startAWS(t)
	t.Setenv("AWS_ENDPOINT_URL_DRS", remote.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", awsKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsSecret)
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	local := runservicetest.Start(t, runservice.Config{DRSMode: runservice.DRSAWS, Credentials: runservicetest.Keys()})
	client := drs.NewFromConfig(local.AWSConfig("us-east-1"))
	_, err := client.StartRecovery(ctx, &drs.StartRecoveryInput{SourceServers: []drstypes.StartRecoveryRequestSourceServer{{SourceServerID: aws.String("s-00000000000000000")}}})
	// StartRecovery models no ResourceNotFoundException: the remote (the
	// simulator, as strict as AWS) answers ConflictException.
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ConflictException" {
		t.Fatalf("StartRecovery of an unknown server through the forwarder: %v", err)
	}

	fwd := awsforward.New("drs", func(string) string { return remote.URL }, credentials.NewStaticCredentialsProvider(awsKeyID, awsSecret, ""))
	_, err = fwd.Invoke(ctx, awswire.Identity{Region: "us-east-1"}, "DescribeJobs", []byte(`{"maxResults": 0}`))
	var wire *awswire.APIError
	if !errors.As(err, &wire) || wire.Code != "ValidationException" || wire.Status != 400 {
		t.Fatalf("Invoke with a bad request: %#v", err)
	}
}

// countingAWS is the run service playing AWS behind a handler that counts
// the requests reaching it, per operation.
type countingAWS struct {
	*runservicetest.Service
	mu    sync.Mutex
	calls map[string]int
	url   string
}

func startCountingAWS(t *testing.T) *countingAWS {
	t.Helper()
	c := &countingAWS{Service: startAWS(t), calls: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, _ := awsforward.Operation(r)
		c.mu.Lock()
		c.calls[op]++
		c.mu.Unlock()
		c.App.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

func (c *countingAWS) count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[op]
}

// Operations drsorch does not use are refused by the forwarder, with an
// error that names them, and never reach AWS — neither from an API client
// nor from a state machine's task; every forwarded call is logged with its
// caller and resources.
func TestOperationsOutsideTheAllowlistAreNotForwarded(t *testing.T) {
	ctx := context.Background()
	remote := startCountingAWS(t)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_DRS": remote.url, "AWS_ENDPOINT_URL_SERVICE_QUOTAS": remote.url,
		"AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": awsSecret, "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": t.TempDir() + "/none", "AWS_SHARED_CREDENTIALS_FILE": t.TempDir() + "/none",
	} {
		t.Setenv(k, v)
	}
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&logs, &logMu}, nil))
	local := runservicetest.Start(t, runservice.Config{DRSMode: runservice.DRSAWS, Credentials: runservicetest.Keys(), Logger: logger})
	cfg := local.AWSConfig("us-east-1")
	client := drs.NewFromConfig(cfg)

	refused := func(what, op string, err error) {
		t.Helper()
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDeniedException" || !strings.Contains(apiErr.ErrorMessage(), op) {
			t.Errorf("%s: %v, want AccessDeniedException naming %s", what, err, op)
		}
		if n := remote.count(op); n != 0 {
			t.Errorf("%s reached AWS %d times", op, n)
		}
	}
	_, err := client.DisconnectSourceServer(ctx, &drs.DisconnectSourceServerInput{SourceServerID: aws.String("s-00000000000000001")})
	refused("DisconnectSourceServer", "DisconnectSourceServer", err)
	_, err = client.DeleteSourceServer(ctx, &drs.DeleteSourceServerInput{SourceServerID: aws.String("s-00000000000000001")})
	refused("DeleteSourceServer", "DeleteSourceServer", err)
	_, err = servicequotas.NewFromConfig(cfg).RequestServiceQuotaIncrease(ctx, &servicequotas.RequestServiceQuotaIncreaseInput{
		ServiceCode: aws.String("drs"), QuotaCode: aws.String("L-E28BE5E0"), DesiredValue: aws.Float64(1000)})
	refused("RequestServiceQuotaIncrease", "RequestServiceQuotaIncrease", err)

	// A state machine's task goes through Invoke: the same allowlist.
	fwd := awsforward.New("drs", func(string) string { return remote.url }, credentials.NewStaticCredentialsProvider(awsKeyID, awsSecret, ""))
	_, err = fwd.Invoke(ctx, awswire.Identity{Account: awswire.DefaultAccount, Region: "us-east-1"}, "DisconnectSourceServer", []byte(`{"sourceServerID":"s-00000000000000001"}`))
	var wire *awswire.APIError
	if !errors.As(err, &wire) || wire.Code != "AccessDeniedException" || remote.count("DisconnectSourceServer") != 0 {
		t.Errorf("Invoke of DisconnectSourceServer: %v", err)
	}

	// Allowed operations go through and are logged with caller and resources.
	servers, err := client.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	if err != nil || len(servers.Items) == 0 || remote.count("DescribeSourceServers") != 1 {
		t.Fatalf("DescribeSourceServers: %v (forwarded %d times)", err, remote.count("DescribeSourceServers"))
	}
	id := aws.ToString(servers.Items[0].SourceServerID)
	if _, err := client.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.ListTagsForResource(ctx, &drs.ListTagsForResourceInput{ResourceArn: servers.Items[0].Arn}); err != nil || remote.count("ListTagsForResource") != 1 {
		t.Fatalf("ListTagsForResource: %v", err)
	}
	logMu.Lock()
	out := logs.String()
	logMu.Unlock()
	for _, want := range []string{
		`msg="AWS call forwarded" service=drs operation=GetLaunchConfiguration region=us-east-1 caller_access_key=` + runservicetest.AccessKeyID,
		"resources=[" + id + "]",
		"operation=ListTagsForResource", aws.ToString(servers.Items[0].Arn),
		`msg="AWS call refused: operation not on the forwarding allowlist" service=drs operation=DisconnectSourceServer`,
		"operation=RequestServiceQuotaIncrease",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// The forwarding run service refuses presigned query-string requests
// before anything is forwarded.
func TestQueryStringAuthIsNotForwarded(t *testing.T) {
	remote := startCountingAWS(t)
	t.Setenv("AWS_ENDPOINT_URL_DRS", remote.url)
	t.Setenv("AWS_ACCESS_KEY_ID", awsKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsSecret)
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	local := runservicetest.Start(t, runservice.Config{DRSMode: runservice.DRSAWS, Credentials: runservicetest.Keys()})
	q := url.Values{"X-Amz-Algorithm": {"AWS4-HMAC-SHA256"}, "X-Amz-Credential": {runservicetest.AccessKeyID + "/20260105/us-east-1/drs/aws4_request"},
		"X-Amz-Date": {"20260105T090000Z"}, "X-Amz-SignedHeaders": {"host"}, "X-Amz-Signature": {strings.Repeat("0", 64)}}
	resp, err := http.Post(local.URL+"/DisconnectSourceServer?"+q.Encode(), "application/json", strings.NewReader(`{"sourceServerID":"s-00000000000000001"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-ErrorType") != "AccessDeniedException" {
		t.Fatalf("presigned request: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
	if n := remote.count("DisconnectSourceServer"); n != 0 {
		t.Fatalf("a presigned request was forwarded %d times", n)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
