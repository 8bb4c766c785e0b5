package drssim_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awsmodels"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// rawRequest sends a DRS request signed (by credential scope) for region.
func rawRequest(t *testing.T, svc *runservicetest.Service, region, method, path, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, svc.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+runservicetest.AccessKeyID+"/20260105/"+region+"/drs/aws4_request, SignedHeaders=host, Signature=0")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// Every error any served operation answers, to any malformed, unknown or
// ill-timed request, in an initialized region and in an uninitialized one,
// is an error the DRS model lists for that operation.
func TestEveryDRSErrorIsModelledForItsOperation(t *testing.T) {
	svc := start(t, nil)
	m, err := awsmodels.Load("drs")
	if err != nil {
		t.Fatal(err)
	}
	bodies := []string{`{}`, `not json`, `{"unknownMember":1}`, `{"maxResults":0}`, `{"nextToken":"garbage"}`,
		`{"sourceServerID":"s-00000000000000000"}`, `{"sourceServerID":"bad"}`, `{"jobID":"drsjob-00000000000000000"}`,
		`{"recoveryInstanceID":"i-0123456789abcdef0"}`, `{"recoveryInstanceIDs":["i-0123456789abcdef0"]}`,
		`{"sourceServers":[{"sourceServerID":"s-00000000000000000"}]}`, `{"sourceServers":[]}`,
		`{"launchConfigurationTemplateID":"lct-00000000000000000"}`, `{"replicationConfigurationTemplateID":"rct-00000000000000000"}`,
		`{"resourceId":"s-00000000000000000","actionId":"x"}`}
	arn := "/tags/arn:aws:drs:us-east-1:123456789012:source-server/s-00000000000000000"
	checked := 0
	for _, region := range []string{"us-east-1", "eu-west-3"} {
		for _, op := range drssim.OperationNames() {
			allowed := m.ErrorNames(op)
			mo := m.Operations[op]
			var reqs [][3]string
			switch op {
			case "TagResource":
				reqs = [][3]string{{"POST", arn, `{"tags":{"a":"b"}}`}, {"POST", "/tags/nonsense", `{"tags":{}}`}}
			case "UntagResource":
				reqs = [][3]string{{"DELETE", arn + "?tagKeys=a", ``}, {"DELETE", "/tags/nonsense", ``}}
			case "ListTagsForResource":
				reqs = [][3]string{{"GET", arn, ``}, {"GET", "/tags/nonsense", ``}}
			case "ListStagingAccounts":
				reqs = [][3]string{{"GET", "/ListStagingAccounts?maxResults=0", ``}, {"GET", "/ListStagingAccounts?nextToken=x", ``}}
			default:
				for _, b := range bodies {
					reqs = append(reqs, [3]string{mo.HTTP.Method, mo.HTTP.RequestURI, b})
				}
			}
			for _, r := range reqs {
				resp := rawRequest(t, svc, region, r[0], r[1], r[2])
				code := resp.Header.Get("X-Amzn-ErrorType")
				if resp.StatusCode < 300 {
					continue
				}
				checked++
				if !slices.Contains(allowed, code) {
					t.Errorf("%s %s %s %s: %d %s, not among the modelled %v", region, op, r[1], r[2], resp.StatusCode, code, allowed)
				}
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d error answers checked", checked)
	}
}

// The model sets no upper bound on DescribeSourceServers' maxResults: a
// larger value is accepted and the answer pages on.
func TestMaxResultsAboveAThousandIsAccepted(t *testing.T) {
	svc := start(t, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1", Generate: &drssim.GenerateSpec{Count: 1200}}}})
	c := drsClient(svc, "us-east-1")
	out, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{MaxResults: aws.Int32(5000)})
	if err != nil {
		t.Fatalf("maxResults 5000: %v", err)
	}
	if len(out.Items) == 0 || out.NextToken == nil && len(out.Items) != 1200 {
		t.Fatalf("maxResults 5000: %d items, next %v", len(out.Items), out.NextToken)
	}
	servers, _ := allServers(t, c, 5000)
	if len(servers) != 1200 {
		t.Fatalf("%d servers, want 1200", len(servers))
	}
	// Where the model does set a bound, it holds (ListStagingAccounts: 50).
	_, err = c.ListStagingAccounts(ctx, &drs.ListStagingAccountsInput{MaxResults: aws.Int32(51)})
	wantValidation(t, err, "maxResults")
}

// Page tokens are keyset-based: deleting an item already served does not
// make the next page skip one, and edited tokens are refused.
func TestPageTokensSurviveDeletions(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	var jobIDs []string
	for _, host := range []string{"shop-web-1", "shop-web-2", "shop-web-3", "shop-app-1"} {
		out, err := c.StartRecovery(ctx, recoveryInput(true, serverIDs(t, c, host)...))
		if err != nil {
			t.Fatal(err)
		}
		jobIDs = append(jobIDs, aws.ToString(out.Job.JobID))
	}
	svc.App.DRS.RunUntilIdle()
	first, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{MaxResults: aws.Int32(2)})
	if err != nil || len(first.Items) != 2 || first.NextToken == nil {
		t.Fatalf("first page: %v %+v", err, first)
	}
	if _, err := c.DeleteJob(ctx, &drs.DeleteJobInput{JobID: first.Items[0].JobID}); err != nil {
		t.Fatal(err)
	}
	second, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{MaxResults: aws.Int32(2), NextToken: first.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range append(first.Items, second.Items...) {
		got = append(got, aws.ToString(j.JobID))
	}
	slices.Reverse(jobIDs) // newest first, as DRS lists them
	if !slices.Equal(got, jobIDs) {
		t.Fatalf("pages across a deletion: %v, want %v (newest first)", got, jobIDs)
	}
	tok := []byte(aws.ToString(first.NextToken))
	tok[len(tok)-2] ^= 1
	_, err = c.DescribeJobs(ctx, &drs.DescribeJobsInput{NextToken: aws.String(string(tok))})
	wantValidation(t, err, "nextToken")
	// A token is bound to its operation.
	_, err = c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{NextToken: first.NextToken})
	wantValidation(t, err, "nextToken")
}

// Service Quotas answers with DRS's quota names and adjustability as
// Service Quotas lists them.
func TestServiceQuotasNamesAndAdjustability(t *testing.T) {
	svc := start(t, nil)
	c := servicequotas.NewFromConfig(awsConfig(svc, "us-east-1"))
	out, err := c.ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("drs")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		name       string
		adjustable bool
	}{
		"L-C1D14A2B": {"Max Total replicating source servers Per AWS Account", false},
		"L-E28BE5E0": {"Max Total source servers Per AWS Account", true},
		"L-B827C881": {"Max source servers in a single Job", false},
		"L-05AFA8C6": {"Max source servers in all Jobs", false},
		"L-D88FAC3A": {"Concurrent jobs in progress", false},
		"L-DD6D028C": {"Max concurrent Jobs per source server", false},
	}
	seen := 0
	for _, q := range out.Quotas {
		w, ok := want[aws.ToString(q.QuotaCode)]
		if !ok {
			continue
		}
		seen++
		if aws.ToString(q.QuotaName) != w.name || q.Adjustable != w.adjustable || q.GlobalQuota || aws.ToString(q.Unit) != "None" {
			t.Errorf("%s: %q adjustable=%v global=%v unit=%s, want %q adjustable=%v", aws.ToString(q.QuotaCode),
				aws.ToString(q.QuotaName), q.Adjustable, q.GlobalQuota, aws.ToString(q.Unit), w.name, w.adjustable)
		}
	}
	if seen != len(want) {
		t.Fatalf("%d of %d quotas listed", seen, len(want))
	}
}
