package awsforward_test

import (
	"context"
	"errors"
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
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// A run service in "--drs aws" mode runs the state machines itself and
// sends every DRS call, signed with the default credential chain, to the
// DRS endpoint — here another run service standing in for AWS.
func TestRunServiceDrivesExternalDRS(t *testing.T) {
	ctx := context.Background()
	remote := runservicetest.Start(t, runservice.Config{}) // plays AWS
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_DRS": remote.URL, "AWS_ENDPOINT_URL_SERVICE_QUOTAS": remote.URL,
		"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEFORWARD00", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": t.TempDir() + "/none", "AWS_SHARED_CREDENTIALS_FILE": t.TempDir() + "/none",
	} {
		t.Setenv(k, v)
	}
	local := runservicetest.Start(t, runservice.Config{DRSMode: runservice.DRSAWS})
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
	compiled, err := statemachine.Compile(recoveryplan.Plan{Name: "fwd", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "g-db", ServerIDs: db},
		{Name: "web", ProtectionGroup: "g-web", ServerIDs: web},
	}})
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
	jobs, err := drs.NewFromConfig(remote.AWSConfig("us-east-1")).DescribeJobs(ctx, &drs.DescribeJobsInput{})
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
	remote := runservicetest.Start(t, runservice.Config{})
	t.Setenv("AWS_ENDPOINT_URL_DRS", remote.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEFORWARD00")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	local := runservicetest.Start(t, runservice.Config{DRSMode: runservice.DRSAWS})
	client := drs.NewFromConfig(local.AWSConfig("us-east-1"))
	_, err := client.StartRecovery(ctx, &drs.StartRecoveryInput{SourceServers: []drstypes.StartRecoveryRequestSourceServer{{SourceServerID: aws.String("s-00000000000000000")}}})
	// StartRecovery models no ResourceNotFoundException: the remote (the
	// simulator, as strict as AWS) answers ConflictException.
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ConflictException" {
		t.Fatalf("StartRecovery of an unknown server through the forwarder: %v", err)
	}

	fwd := awsforward.New("drs", func(string) string { return remote.URL }, credentials.NewStaticCredentialsProvider("AKIAEXAMPLEFORWARD00", "secret", ""))
	_, err = fwd.Invoke(ctx, awswire.Identity{Region: "us-east-1"}, "DescribeJobs", []byte(`{"maxResults": 0}`))
	var wire *awswire.APIError
	if !errors.As(err, &wire) || wire.Code != "ValidationException" || wire.Status != 400 {
		t.Fatalf("Invoke with a bad request: %#v", err)
	}
}
