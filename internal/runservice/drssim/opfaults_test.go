package drssim_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// Operation faults: errors AWS has and the DRS model does not list, for
// SDK clients and for the state machines' tasks alike.
func TestOperationFaultsUnmodelledAndClientSide(t *testing.T) {
	svc := start(t, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1",
		Servers: []drssim.ServerSpec{{Hostname: "db-1"}, {Hostname: "db-2"}},
		Faults: &drssim.Faults{Errors: []drssim.OperationFault{
			{Operation: "StartRecovery", Kind: drssim.FaultService, Count: 1},
			{Operation: "DescribeJobs", Kind: drssim.FaultClient, After: 1, Count: 1},
		}}}}})
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "db-1")

	// An unmodelled 500: a generic API error, not the modelled
	// InternalServerException.
	_, err := c.StartRecovery(ctx, recoveryInput(true, ids...))
	var ae smithy.APIError
	var re *awshttp.ResponseError
	var ise *types.InternalServerException
	if !errors.As(err, &ae) || ae.ErrorCode() != "InternalFailure" || !errors.As(err, &re) || re.HTTPStatusCode() != 500 || errors.As(err, &ise) {
		t.Fatalf("service fault: want an unmodelled 500 InternalFailure, got %v", err)
	}
	if drssim.IsModelledError("StartRecovery", ae.ErrorCode()) {
		t.Fatal("InternalFailure is reported as modelled")
	}
	if _, err := c.StartRecovery(ctx, recoveryInput(true, ids...)); err != nil {
		t.Fatalf("the fault fires once: %v", err)
	}

	// A client-side failure: the connection is reset, no answer.
	if _, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{}); err != nil {
		t.Fatalf("first DescribeJobs (after=1): %v", err)
	}
	_, err = c.DescribeJobs(ctx, &drs.DescribeJobsInput{})
	if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("client fault over HTTP: want a reset connection, got %v", err)
	}

	// Through Invoke (the state machines' tasks) a client fault is a
	// plain error, not an API error: Step Functions names it
	// Drs.SdkClientException.
	if err := svc.App.DRS.SetFaults(drssim.Estate{}, drssim.Faults{Errors: []drssim.OperationFault{{Kind: drssim.FaultClient, Count: 1}}}); err != nil {
		t.Fatal(err)
	}
	id := awswire.Identity{Account: awswire.DefaultAccount, Region: "us-east-1"}
	_, err = svc.App.DRS.Invoke(context.Background(), id, "DescribeSourceServers", []byte(`{}`))
	var apiErr *awswire.APIError
	if err == nil || errors.As(err, &apiErr) {
		t.Fatalf("client fault through Invoke: want a plain error, got %v", err)
	}
	st := svc.App.DRS.State()
	if f := st.Estates[0].Faults.Errors[0]; f.Failed != 1 || f.Seen != 1 {
		t.Fatalf("fault counters %+v", f)
	}
	// Unknown operations and kinds are refused.
	for _, f := range []drssim.OperationFault{{Operation: "LaunchTheMissiles", Kind: drssim.FaultService}, {Kind: "boom"}, {Kind: drssim.FaultService, Status: 404}} {
		if err := svc.App.DRS.SetFaults(drssim.Estate{}, drssim.Faults{Errors: []drssim.OperationFault{f}}); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}

// A probability fault is seeded: the same seed fails the same calls.
func TestOperationFaultProbabilityIsDeterministic(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	pattern := func(seed int64) string {
		if err := svc.App.DRS.SetFaults(drssim.Estate{}, drssim.Faults{Errors: []drssim.OperationFault{
			{Operation: "DescribeJobs", Kind: drssim.FaultService, Status: 503, Probability: 0.5, Seed: seed}}}); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i := 0; i < 40; i++ {
			_, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{MaxResults: aws.Int32(1)})
			var re *awshttp.ResponseError
			switch {
			case err == nil:
				b.WriteByte('.')
			case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusServiceUnavailable:
				b.WriteByte('x')
			default:
				t.Fatal(err)
			}
		}
		return b.String()
	}
	a, again, other := pattern(42), pattern(42), pattern(43)
	if a != again || a == other || !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Fatalf("seed 42: %s, again: %s, seed 43: %s", a, again, other)
	}
}

// Wire faults come from the inventory and /_sim/wire-faults.
func TestWireFaultsFromInventoryAndControl(t *testing.T) {
	svc := start(t, &drssim.Inventory{
		Estates:    []drssim.EstateSpec{{Region: "us-east-1", Servers: []drssim.ServerSpec{{Hostname: "db-1"}}}},
		WireFaults: []wirefault.Rule{{Service: "drs", Operation: "DescribeSourceServers", Kind: wirefault.KindStatus, Status: 502, Count: 1}},
	})
	c := drsClient(svc, "us-east-1")
	_, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 502 {
		t.Fatalf("inventory wire fault: %v", err)
	}
	resp, err := http.Post(svc.URL+"/_sim/wire-faults", "application/json",
		strings.NewReader(`{"rules":[{"service":"drs","kind":"reset","count":1}]}`))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /_sim/wire-faults: %v %v", err, resp)
	}
	resp.Body.Close()
	if _, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{}); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("control wire fault: %v", err)
	}
	resp, _ = http.Post(svc.URL+"/_sim/wire-faults", "application/json", strings.NewReader(`{"rules":[{"kind":"explode"}]}`))
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad rule: %d", resp.StatusCode)
	}
	resp.Body.Close()
}
