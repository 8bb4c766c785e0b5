package runservice_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfnapi "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// A Task on arn:aws:states:::aws-sdk:servicequotas:getServiceQuota reads
// the estate's live quota, PascalCase in and out as Step Functions' SDK
// integrations are, and Service Quotas' errors surface as
// ServiceQuotas.<Exception>; a Service Quotas action that changes
// anything is refused at CreateStateMachine.
func TestServiceQuotasTasks(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	ctx := context.Background()
	c := sfnapi.NewFromConfig(svc.AWSConfig("us-east-1"))
	role := aws.String("arn:aws:iam::123456789012:role/drsorch")
	def := `{"StartAt": "read", "States": {
	  "read": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:servicequotas:getServiceQuota",
	    "Parameters": {"ServiceCode": "drs", "QuotaCode": "L-D88FAC3A"}, "ResultSelector": {"value.$": "$.Quota.Value"},
	    "ResultPath": "$.jobs", "Next": "unknown"},
	  "unknown": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:servicequotas:getServiceQuota",
	    "Parameters": {"ServiceCode": "drs", "QuotaCode": "L-00000000"},
	    "Catch": [{"ErrorEquals": ["ServiceQuotas.NoSuchResourceException"], "ResultPath": "$.error", "Next": "done"}],
	    "ResultPath": "$.unknown", "Next": "done"},
	  "done": {"Type": "Succeed"}}}`
	sm, err := c.CreateStateMachine(ctx, &sfnapi.CreateStateMachineInput{Name: aws.String("quotas"), Definition: aws.String(def), RoleArn: role})
	if err != nil {
		t.Fatal(err)
	}
	x, err := c.StartExecution(ctx, &sfnapi.StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	if err != nil {
		t.Fatal(err)
	}
	var d *sfnapi.DescribeExecutionOutput
	svc.Drive(t, 50, func() bool {
		if d, err = c.DescribeExecution(ctx, &sfnapi.DescribeExecutionInput{ExecutionArn: x.ExecutionArn}); err != nil {
			t.Fatal(err)
		}
		return d.Status != sfntypes.ExecutionStatusRunning
	})
	var out struct {
		Jobs  struct{ Value float64 }
		Error struct{ Error string }
	}
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &out); err != nil || d.Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("%s %s %s: %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), aws.ToString(d.Output))
	}
	if out.Jobs.Value != 20 || out.Error.Error != "ServiceQuotas.NoSuchResourceException" {
		t.Fatalf("output %s", aws.ToString(d.Output))
	}
	_, err = c.CreateStateMachine(ctx, &sfnapi.CreateStateMachineInput{Name: aws.String("raise"), RoleArn: role, Definition: aws.String(
		`{"StartAt": "raise", "States": {"raise": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:servicequotas:requestServiceQuotaIncrease", "End": true}}}`)})
	var invalid *sfntypes.InvalidDefinition
	if !errors.As(err, &invalid) {
		t.Fatalf("a quota increase Task was accepted: %v", err)
	}
}
