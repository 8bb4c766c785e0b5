package drssim_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// signedPost sends a raw DRS request, signed just enough for the run
// service to know the account and region.
func signedPost(t *testing.T, svc *runservicetest.Service, method, path, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, svc.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+runservicetest.AccessKeyID+"/20260105/us-east-1/drs/aws4_request, SignedHeaders=host, Signature=0")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: body is not JSON: %s", method, path, raw)
		}
	}
	return resp, out
}

func TestWireErrorsAndStatusCodes(t *testing.T) {
	svc := start(t, nil)
	for _, tc := range []struct {
		method, path, body string
		status             int
		code, reason       string
	}{
		{"POST", "/DescribeSourceServers", `{"maxResults": `, 400, "ValidationException", "cannotParse"},
		{"POST", "/DescribeSourceServers", `[1,2]`, 400, "ValidationException", "fieldValidationFailed"},
		{"POST", "/DescribeSourceServers", `{"maxResults": "ten"}`, 400, "ValidationException", "fieldValidationFailed"},
		{"POST", "/DescribeSourceServers", `{"maxResult": 10}`, 400, "ValidationException", "fieldValidationFailed"},
		{"POST", "/DescribeSourceServers", `{"maxResults": 99999999999}`, 400, "ValidationException", "fieldValidationFailed"},
		// StartRecovery models no ValidationException: ConflictException.
		{"POST", "/StartRecovery", `{"sourceServers": "all"}`, 409, "ConflictException", ""},
		{"POST", "/StartRecovery", `{}`, 409, "ConflictException", ""},
		{"POST", "/GetLaunchConfiguration", `{"sourceServerID": "s-00000000000000000"}`, 404, "ResourceNotFoundException", ""},
		{"POST", "/LaunchTheMissiles", `{}`, 404, "UnknownOperationException", ""},
		{"GET", "/DescribeSourceServers", ``, 405, "UnknownOperationException", ""},
	} {
		resp, body := signedPost(t, svc, tc.method, tc.path, tc.body)
		if resp.StatusCode != tc.status || resp.Header.Get("X-Amzn-ErrorType") != tc.code {
			t.Errorf("%s %s %s: %d %s, want %d %s (%v)", tc.method, tc.path, tc.body, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), tc.status, tc.code, body)
			continue
		}
		if tc.reason != "" && body["reason"] != tc.reason {
			t.Errorf("%s %s: reason %v, want %s", tc.path, tc.body, body["reason"], tc.reason)
		}
		if msg, _ := body["message"].(string); msg == "" {
			t.Errorf("%s %s: no message in %v", tc.path, tc.body, body)
		}
	}
	// Success codes from the model.
	if resp, _ := signedPost(t, svc, "POST", "/InitializeService", ``); resp.StatusCode != 204 {
		t.Errorf("InitializeService: %d, want 204", resp.StatusCode)
	}
	servers, _ := allServers(t, drsClient(svc, "us-east-1"), 0)
	resp, body := signedPost(t, svc, "POST", "/StartRecovery", `{"isDrill":true,"sourceServers":[{"sourceServerID":"`+aws.ToString(servers[0].SourceServerID)+`"}]}`)
	if resp.StatusCode != 202 || body["job"] == nil {
		t.Errorf("StartRecovery: %d %v, want 202 with a job", resp.StatusCode, body)
	}
	// Unsigned requests are refused the way AWS does.
	req, _ := http.NewRequest("POST", svc.URL+"/DescribeSourceServers", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "")
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode == 200 {
		t.Errorf("unsigned request answered %v %v", r, err)
	}
}

func TestInvokeForStepFunctions(t *testing.T) {
	svc := start(t, nil)
	sim := svc.App.DRS
	id := awswire.Identity{Account: awswire.DefaultAccount, Region: "us-east-1"}
	out, err := sim.Invoke(ctx, id, "DescribeSourceServers", []byte(`{"maxResults": 5}`))
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []struct {
			SourceServerID string `json:"sourceServerID"`
		} `json:"items"`
		NextToken string `json:"nextToken"`
	}
	if err := json.Unmarshal(out, &page); err != nil || len(page.Items) != 5 || page.NextToken == "" {
		t.Fatalf("Invoke DescribeSourceServers: %v %s", err, out)
	}
	out, err = sim.Invoke(ctx, id, "StartRecovery", []byte(`{"isDrill": true, "sourceServers": [{"sourceServerID": "`+page.Items[0].SourceServerID+`"}], "tags": {"wave": "w1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var started struct {
		Job struct {
			JobID  string `json:"jobID"`
			Status string `json:"status"`
		} `json:"job"`
	}
	if err := json.Unmarshal(out, &started); err != nil || started.Job.Status != "PENDING" {
		t.Fatalf("Invoke StartRecovery: %v %s", err, out)
	}
	// The same server again: the error is an *awswire.APIError.
	_, err = sim.Invoke(ctx, id, "StartRecovery", []byte(`{"sourceServers": [{"sourceServerID": "`+page.Items[0].SourceServerID+`"}]}`))
	var apiErr *awswire.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "ConflictException" || apiErr.Status != 409 || apiErr.Fields["resourceId"] != page.Items[0].SourceServerID {
		t.Fatalf("conflict through Invoke: %#v", err)
	}
	_, err = sim.Invoke(ctx, id, "DescribeSourceServer", nil)
	if !errors.As(err, &apiErr) || apiErr.Code != "ValidationException" || apiErr.Fields["reason"] != "unknownOperation" {
		t.Fatalf("unknown operation: %v", err)
	}
	_, err = sim.Invoke(ctx, awswire.Identity{Account: "999999999999", Region: "us-east-1"}, "DescribeJobs", nil)
	if !errors.As(err, &apiErr) || apiErr.Code != "UninitializedAccountException" {
		t.Fatalf("uninitialized account: %v", err)
	}
	if got := sim.Stats()["StartRecovery"]; got != 2 {
		t.Errorf("StartRecovery counted %d times, want 2", got)
	}
}

func TestServiceQuotas(t *testing.T) {
	svc := start(t, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1", Quotas: map[string]int{drssim.QuotaServersPerJob: 150}}}})
	c := servicequotas.NewFromConfig(awsConfig(svc, "us-east-1"))
	got, err := c.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("drs"), QuotaCode: aws.String(drssim.QuotaServersPerJob)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToFloat64(got.Quota.Value) != 150 || aws.ToString(got.Quota.QuotaName) == "" {
		t.Fatalf("quota %+v, want the inventory's 150", got.Quota)
	}
	def, err := c.GetAWSDefaultServiceQuota(ctx, &servicequotas.GetAWSDefaultServiceQuotaInput{ServiceCode: aws.String("drs"), QuotaCode: aws.String(drssim.QuotaServersPerJob)})
	if err != nil || aws.ToFloat64(def.Quota.Value) != 100 {
		t.Fatalf("default quota: %v %+v", err, def)
	}
	p := servicequotas.NewListServiceQuotasPaginator(c, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("drs"), MaxResults: aws.Int32(4)})
	values := map[string]float64{}
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, q := range page.Quotas {
			values[aws.ToString(q.QuotaCode)] = aws.ToFloat64(q.Value)
		}
	}
	want := map[string]float64{"L-C1D14A2B": 300, "L-E28BE5E0": 4000, "L-B827C881": 150, "L-05AFA8C6": 500, "L-D88FAC3A": 20, "L-DD6D028C": 1,
		"L-0588D03B": 200, "L-1F3FAE4D": 1, "L-4B0323BD": 100}
	if pages != 3 || len(values) != len(want) {
		t.Fatalf("%d quotas in %d pages: %v", len(values), pages, values)
	}
	for code, v := range want {
		if values[code] != v {
			t.Errorf("%s = %v, want %v", code, values[code], v)
		}
	}
	_, err = c.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("ec2"), QuotaCode: aws.String("L-1216C47A")})
	var nsr *sqtypes.NoSuchResourceException
	if !errors.As(err, &nsr) || aws.ToString(nsr.Message) == "" {
		t.Fatalf("unknown service code: want NoSuchResourceException with a message, got %v", err)
	}
	// An uninitialized region still has the default quotas.
	other := servicequotas.NewFromConfig(awsConfig(svc, "eu-central-1"))
	got, err = other.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("drs"), QuotaCode: aws.String(drssim.QuotaServersPerJob)})
	if err != nil || aws.ToFloat64(got.Quota.Value) != 100 {
		t.Fatalf("eu-central-1: %v %+v", err, got)
	}
}

func TestControlEndpoints(t *testing.T) {
	svc := start(t, nil)
	post := func(path, body string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Post(svc.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "shop-db-1")
	if code, out := post("/_sim/fail-launch", `{"sourceServerIDs":["`+ids[0]+`"]}`); code != 204 {
		t.Fatalf("fail-launch: %d %v", code, out)
	}
	if code, out := post("/_sim/quotas", `{"quotas":{"L-B827C881": 3}}`); code != 204 {
		t.Fatalf("quotas: %d %v", code, out)
	}
	code, out := post("/_sim/servers", `{"region":"us-west-2","count":5,"hostnamePrefix":"extra","tags":{"added":"yes"}}`)
	if code != 200 || len(out["sourceServerIDs"].([]any)) != 5 {
		t.Fatalf("servers: %d %v", code, out)
	}
	if west, _ := allServers(t, drsClient(svc, "us-west-2"), 0); len(west) != 8 {
		t.Fatalf("us-west-2 has %d servers after adding 5, want 8", len(west))
	}
	if _, err := c.StartRecovery(ctx, recoveryInput(true, ids...)); err != nil {
		t.Fatal(err)
	}
	if code, out := post("/_sim/advance", `{"seconds": 60}`); code != 200 || out["now"] == nil {
		t.Fatalf("advance: %d %v", code, out)
	}
	if now := svc.App.Clock.Now(); !now.Equal(runservicetest.Epoch.Add(60e9)) {
		t.Fatalf("clock at %v after advancing 60 s", now)
	}
	if code, _ := post("/_sim/run-until-idle", ``); code != 200 {
		t.Fatalf("run-until-idle: %d", code)
	}
	resp, err := http.Get(svc.URL + "/_sim/state")
	if err != nil {
		t.Fatal(err)
	}
	var state drssim.State
	_ = json.NewDecoder(resp.Body).Decode(&state)
	resp.Body.Close()
	var east drssim.EstateState
	for _, e := range state.Estates {
		if e.Account == awswire.DefaultAccount && e.Region == "us-east-1" {
			east = e
		}
	}
	if east.Servers != 12 || east.Jobs != 1 || east.ActiveJobs != 0 || east.RecoveryInstances != 0 || east.Quotas["L-B827C881"] != 3 {
		t.Fatalf("state %+v (the failed launch must leave no instance)", east)
	}
	resp, _ = http.Get(svc.URL + "/_sim/stats")
	var stats struct {
		Calls map[string]int64 `json:"calls"`
		Total int64            `json:"total"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&stats)
	resp.Body.Close()
	if stats.Calls["StartRecovery"] != 1 || stats.Total < 3 {
		t.Fatalf("stats %+v", stats)
	}
	for _, bad := range []struct{ path, body string }{
		{"/_sim/advance", `{}`},
		{"/_sim/faults", `{"throttlePercent": 101}`},
		{"/_sim/quotas", `{"quotas":{"L-XXXX": 1}}`},
		{"/_sim/fail-launch", `{"sourceServerIDs":["s-00000000000000000"]}`},
		{"/_sim/servers", `{"count": 0}`},
		{"/_sim/faults", `{"region": "moon"}`},
	} {
		if code, out := post(bad.path, bad.body); code != 400 || out["error"] == "" {
			t.Errorf("%s %s: %d %v, want 400 with an error", bad.path, bad.body, code, out)
		}
	}
}
