package provider

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

// The events of a real drill are checked in TestAccExecutionDataSources;
// these are the refusals.
func TestAccJobEventsNotFoundAndBadInputs(t *testing.T) {
	env := acctest.Start(t)
	var steps []resource.TestStep
	for _, tc := range []struct{ body, err string }{
		{`job_id = "drsjob-00000000000000000"`, `(?s)DRS job not found.*no job drsjob-00000000000000000 in us-east-1`},
		{`execution_arn = "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:gone"`, `(?s)Execution not found.*drsorch-plan-shop:gone`},
		{`job_id = "job-1"`, `(?s)job_id.*must be a DRS job ID like drsjob-`},
		{`execution_arn = "drill-1"`, `(?s)Invalid execution ARN.*"drill-1" is not a Step Functions execution ARN`},
		{``, `(?s)Missing Attribute Configuration.*\[job_id,execution_arn\]`},
		{"job_id = \"drsjob-00000000000000000\"\nexecution_arn = \"arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:x\"", `(?s)Invalid Attribute Combination.*\[job_id,execution_arn\]`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      env.ProviderConfig() + "data \"drsorch_job_events\" \"x\" {\n" + tc.body + "\n}\n",
			ExpectError: errorPattern(tc.err),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

func TestJobEventToModel(t *testing.T) {
	m := jobEventToModel(waveJob{jobID: "drsjob-1", wave: "db"}, drstypes.JobLog{
		Event: drstypes.JobLogEventLaunchFailed, LogDateTime: aws.String("2026-01-05T09:10:00Z"),
		EventData: &drstypes.JobLogEventData{SourceServerID: aws.String("s-1"), RawError: aws.String("boom")},
	})
	if m.Wave.ValueString() != "db" || m.Event != "LAUNCH_FAILED" || m.EventData.SourceServerID.ValueString() != "s-1" ||
		m.EventData.RawError.ValueString() != "boom" || !m.EventData.TargetInstanceID.IsNull() || !m.EventData.AttemptCount.IsNull() {
		t.Fatalf("model = %+v", m)
	}
	if bare := jobEventToModel(waveJob{jobID: "drsjob-2"}, drstypes.JobLog{Event: drstypes.JobLogEventJobStart}); !bare.Wave.IsNull() || !bare.EventData.SourceServerID.IsNull() {
		t.Fatalf("an event without data or wave = %+v", bare)
	}
}
