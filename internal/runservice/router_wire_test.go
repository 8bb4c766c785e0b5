package runservice_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

var bg = context.Background()

// Every answer of every served API, success or error, carries a request
// ID that the SDK reads into its metadata; STS repeats it in the body.
func TestRequestIDOnEveryResponse(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	cfg := svc.AWSConfig("us-east-1")
	want := func(what string, md middleware.Metadata, err error) {
		t.Helper()
		var id string
		if err != nil {
			var re *awshttp.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("%s: %v", what, err)
			}
			id = re.ServiceRequestID()
		} else {
			id, _ = awsmiddleware.GetRequestIDMetadata(md)
		}
		if len(id) != 36 || strings.Count(id, "-") != 4 {
			t.Errorf("%s: request ID %q, want a UUID", what, id)
		}
	}
	d := drs.NewFromConfig(cfg)
	out, err := d.DescribeSourceServers(bg, &drs.DescribeSourceServersInput{})
	want("drs DescribeSourceServers", md(out, err), err)
	_, err = d.GetLaunchConfiguration(bg, &drs.GetLaunchConfigurationInput{SourceServerID: aws.String("s-00000000000000000")})
	want("drs error", middleware.Metadata{}, err)
	s := sfn.NewFromConfig(cfg)
	lo, err := s.ListStateMachines(bg, &sfn.ListStateMachinesInput{})
	want("states ListStateMachines", md(lo, err), err)
	_, err = s.DescribeExecution(bg, &sfn.DescribeExecutionInput{ExecutionArn: aws.String("arn:aws:states:us-east-1:123456789012:execution:nope:nope")})
	want("states error", middleware.Metadata{}, err)
	q := servicequotas.NewFromConfig(cfg)
	qo, err := q.ListServiceQuotas(bg, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("drs")})
	want("servicequotas", md(qo, err), err)
	e := eventbridge.NewFromConfig(cfg)
	eo, err := e.PutEvents(bg, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{Source: aws.String("t"), DetailType: aws.String("t"), Detail: aws.String("{}")}}})
	want("events PutEvents", md(eo, err), err)
	st := sts.NewFromConfig(cfg)
	so, err := st.GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	want("sts GetCallerIdentity", md(so, err), err)

	// awsQuery: the body's RequestId is the header's.
	req, _ := http.NewRequest(http.MethodPost, svc.URL+"/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+runservicetest.AccessKeyID+"/20260105/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var doc struct {
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil || doc.RequestID == "" || doc.RequestID != resp.Header.Get("X-Amzn-Requestid") {
		t.Fatalf("STS RequestId %q, header %q (%v)", doc.RequestID, resp.Header.Get("X-Amzn-Requestid"), err)
	}
}

func md(out any, err error) middleware.Metadata {
	if err != nil || out == nil {
		return middleware.Metadata{}
	}
	switch o := out.(type) {
	case *drs.DescribeSourceServersOutput:
		return o.ResultMetadata
	case *sfn.ListStateMachinesOutput:
		return o.ResultMetadata
	case *servicequotas.ListServiceQuotasOutput:
		return o.ResultMetadata
	case *eventbridge.PutEventsOutput:
		return o.ResultMetadata
	case *sts.GetCallerIdentityOutput:
		return o.ResultMetadata
	}
	return middleware.Metadata{}
}

// Wire faults: a 5xx in the protocol's own error shape with a code no
// model lists, or a reset connection, on any API, by count.
func TestWireFaultsOnAnyAPI(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	cfg := svc.AWSConfig("us-east-1")
	if err := svc.App.DRS.SetWireFaults([]wirefault.Rule{
		{Service: "states", Operation: "ListStateMachines", Kind: wirefault.KindStatus, Status: 503, Count: 1},
		{Service: "sts", Kind: wirefault.KindReset, Count: 1},
		{Service: "servicequotas", Kind: wirefault.KindStatus, After: 1, Count: 1},
		{Service: "drs", Operation: "DescribeJobs", Kind: wirefault.KindStatus, Status: 500, Count: 1},
	}); err != nil {
		t.Fatal(err)
	}
	wantStatus := func(what string, err error, status int, code string) {
		t.Helper()
		var re *awshttp.ResponseError
		var ae smithy.APIError
		if !errors.As(err, &re) || re.HTTPStatusCode() != status || !errors.As(err, &ae) || ae.ErrorCode() != code {
			t.Fatalf("%s: want %d %s, got %v", what, status, code, err)
		}
	}
	s := sfn.NewFromConfig(cfg)
	_, err := s.ListStateMachines(bg, &sfn.ListStateMachinesInput{})
	wantStatus("states", err, 503, "ServiceUnavailable")
	if _, err := s.ListStateMachines(bg, &sfn.ListStateMachinesInput{}); err != nil {
		t.Fatalf("second ListStateMachines: %v", err)
	}
	st := sts.NewFromConfig(cfg)
	_, err = st.GetCallerIdentity(bg, &sts.GetCallerIdentityInput{})
	var ae smithy.APIError
	if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("sts reset: want a connection reset without an answer, got %v", err)
	}
	if _, err := st.GetCallerIdentity(bg, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("second GetCallerIdentity: %v", err)
	}
	q := servicequotas.NewFromConfig(cfg)
	in := &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("drs")}
	if _, err := q.ListServiceQuotas(bg, in); err != nil {
		t.Fatalf("first ListServiceQuotas (after=1): %v", err)
	}
	_, err = q.ListServiceQuotas(bg, in)
	wantStatus("servicequotas", err, 500, "InternalFailure")
	d := drs.NewFromConfig(cfg)
	_, err = d.DescribeJobs(bg, &drs.DescribeJobsInput{})
	wantStatus("drs", err, 500, "InternalFailure")
	status := svc.App.DRS.WireFaultStatus()
	for _, r := range status {
		if r.Failed != 1 {
			t.Errorf("rule %+v failed %d requests, want 1", r.Rule, r.Failed)
		}
	}
}
