package drssim_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// Over HTTP a lost answer is a connection closed without a response after
// DRS acted: the SDK sees a transport error, not an API error, and the job
// exists.
func TestLostAnswerBreaksTheConnectionAfterActing(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	servers, _ := allServers(t, c, 100)
	if err := svc.App.DRS.SetFaults(drssim.Estate{}, drssim.Faults{LoseAnswer: map[string]int{"StartRecovery": 1}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.StartRecovery(ctx, &drs.StartRecoveryInput{IsDrill: aws.Bool(true),
		SourceServers: []types.StartRecoveryRequestSourceServer{{SourceServerID: servers[0].SourceServerID}}})
	if err == nil {
		t.Fatal("StartRecovery answered although its answer was to be lost")
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		t.Fatalf("a lost answer came back as an API error: %v", err)
	}
	jobs, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs.Items) != 1 {
		t.Fatalf("%d jobs after the lost StartRecovery, want the 1 it created", len(jobs.Items))
	}
}
