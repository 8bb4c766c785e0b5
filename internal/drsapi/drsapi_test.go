package drsapi

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	smithy "github.com/aws/smithy-go"
)

func server(id, host, state string, tags map[string]string) types.SourceServer {
	return types.SourceServer{
		SourceServerID:      aws.String(id),
		Tags:                tags,
		SourceProperties:    &types.SourceProperties{IdentificationHints: &types.IdentificationHints{Hostname: aws.String(host)}},
		DataReplicationInfo: &types.DataReplicationInfo{DataReplicationState: types.DataReplicationState(state)},
	}
}

// pagedServers serves n servers in pages and records every call.
type pagedServers struct {
	n     int
	calls []*drs.DescribeSourceServersInput
}

func (p *pagedServers) DescribeSourceServers(_ context.Context, in *drs.DescribeSourceServersInput, _ ...func(*drs.Options)) (*drs.DescribeSourceServersOutput, error) {
	p.calls = append(p.calls, in)
	if in.Filters != nil && len(in.Filters.SourceServerIDs) > 0 {
		out := &drs.DescribeSourceServersOutput{}
		for _, id := range in.Filters.SourceServerIDs {
			out.Items = append(out.Items, server(id, id, "CONTINUOUS", nil))
		}
		return out, nil
	}
	start := 0
	if in.NextToken != nil {
		start, _ = strconv.Atoi(*in.NextToken)
	}
	end := min(start+int(aws.ToInt32(in.MaxResults)), p.n)
	out := &drs.DescribeSourceServersOutput{}
	for i := start; i < end; i++ {
		out.Items = append(out.Items, server(fmt.Sprintf("s-%017d", i), "h", "CONTINUOUS", nil))
	}
	if end < p.n {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func TestListSourceServersReadsEveryPageOfAThousand(t *testing.T) {
	api := &pagedServers{n: 2500}
	servers, err := ListSourceServers(context.Background(), api, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 2500 || len(api.calls) != 3 {
		t.Fatalf("%d servers in %d calls, want 2500 in 3", len(servers), len(api.calls))
	}
	for _, c := range api.calls {
		if aws.ToInt32(c.MaxResults) != PageSize {
			t.Fatalf("maxResults = %d", aws.ToInt32(c.MaxResults))
		}
	}
}

func TestListSourceServersChunksIDFilters(t *testing.T) {
	api := &pagedServers{}
	ids := make([]string, 450)
	for i := range ids {
		ids[i] = fmt.Sprintf("s-%017d", i)
	}
	servers, err := ListSourceServers(context.Background(), api, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 450 || len(api.calls) != 3 {
		t.Fatalf("%d servers in %d calls, want 450 in 3 (200 IDs per call)", len(servers), len(api.calls))
	}
}

func TestServerFilter(t *testing.T) {
	db := server("s-1", "db-1", "CONTINUOUS", map[string]string{"app": "shop", "tier": "db"})
	web := server("s-2", "web-1", "STALLED", map[string]string{"app": "shop", "tier": "web"})
	yes, no := true, false
	for _, tc := range []struct {
		name string
		f    ServerFilter
		want []bool
	}{
		{"empty", ServerFilter{}, []bool{true, true}},
		{"all tags must match", ServerFilter{Tags: map[string]string{"app": "shop", "tier": "db"}}, []bool{true, false}},
		{"hostname", ServerFilter{HostnameRegex: regexp.MustCompile(`^web-`)}, []bool{false, true}},
		{"state", ServerFilter{ReplicationStates: []types.DataReplicationState{"STALLED"}}, []bool{false, true}},
		{"ready", ServerFilter{ReadyForRecovery: &yes}, []bool{true, false}},
		{"not ready", ServerFilter{ReadyForRecovery: &no}, []bool{false, true}},
	} {
		if got := []bool{tc.f.Match(db), tc.f.Match(web)}; got[0] != tc.want[0] || got[1] != tc.want[1] {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMeasureUsage(t *testing.T) {
	servers := []types.SourceServer{
		server("s-1", "a", "CONTINUOUS", nil), server("s-2", "b", "STOPPED", nil), server("s-3", "c", "STALLED", nil),
	}
	jobs := []types.Job{{ParticipatingServers: make([]types.ParticipatingServer, 3)}, {ParticipatingServers: make([]types.ParticipatingServer, 2)}}
	u := MeasureUsage(servers, jobs)
	if u != (Usage{ReplicatingServers: 2, TotalServers: 3, ActiveJobs: 2, ServersInActiveJobs: 5}) {
		t.Fatalf("usage = %+v", u)
	}
	if _, ok := u.Of(QuotaServersPerJob); ok {
		t.Fatal("the per-job quota has no account-wide usage")
	}
}

type fakeQuotas struct {
	listErr error
	listed  map[string]float64
}

func (f fakeQuotas) ListServiceQuotas(context.Context, *servicequotas.ListServiceQuotasInput, ...func(*servicequotas.Options)) (*servicequotas.ListServiceQuotasOutput, error) {
	if f.listErr != nil {
		return nil, f.listErr
	}
	out := &servicequotas.ListServiceQuotasOutput{}
	for code, v := range f.listed {
		out.Quotas = append(out.Quotas, sqtypes.ServiceQuota{QuotaCode: aws.String(code), Value: aws.Float64(v)})
	}
	return out, nil
}

func (f fakeQuotas) GetServiceQuota(context.Context, *servicequotas.GetServiceQuotaInput, ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error) {
	return nil, &sqtypes.NoSuchResourceException{Message: aws.String("no")}
}

func TestQuotaLimitsPreferServiceQuotas(t *testing.T) {
	limits, err := QuotaLimits(context.Background(), fakeQuotas{listed: map[string]float64{QuotaServersPerJob: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if len(limits) != 6 {
		t.Fatalf("%d quotas, want 6", len(limits))
	}
	for _, l := range limits {
		if l.Code == QuotaServersPerJob && (l.Limit != 50 || l.Source != SourceServiceQuotas) {
			t.Fatalf("live limit not used: %+v", l)
		}
		if l.Code == QuotaTotalServers && (l.Limit != 4000 || l.Source != SourceDefaultNotListed) {
			t.Fatalf("unlisted quota should fall back to its default: %+v", l)
		}
	}
}

func TestQuotaLimitsFallBackWhenAccessDenied(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}
	limits, err := QuotaLimits(context.Background(), fakeQuotas{listErr: denied})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range limits {
		if l.Source != SourceDefaultAccessDenied || l.Limit != l.Default {
			t.Fatalf("want the published default marked access-denied: %+v", l)
		}
	}
}

func TestQuotaLimitsReportOtherErrors(t *testing.T) {
	_, err := QuotaLimits(context.Background(), fakeQuotas{listErr: &smithy.GenericAPIError{Code: "ServiceException"}})
	if err == nil {
		t.Fatal("an unexpected Service Quotas error must not be hidden")
	}
}

type uninitializedAPI struct{}

func (uninitializedAPI) DescribeSourceServers(context.Context, *drs.DescribeSourceServersInput, ...func(*drs.Options)) (*drs.DescribeSourceServersOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "UninitializedAccountException", Message: "not initialized"}
}

type failingAPI struct{}

func (failingAPI) DescribeSourceServers(context.Context, *drs.DescribeSourceServersInput, ...func(*drs.Options)) (*drs.DescribeSourceServersOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}
}

func TestListSourceServersInRegions(t *testing.T) {
	apis := map[string]SourceServerAPI{"us-east-1": &pagedServers{n: 5}, "eu-west-1": uninitializedAPI{}, "ap-south-1": failingAPI{}}
	apiFor := func(r string) SourceServerAPI { return apis[r] }

	got, err := ListSourceServersInRegions(context.Background(), []string{"eu-west-1", "us-east-1"}, apiFor, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Region != "eu-west-1" || !got[0].Uninitialized || len(got[1].Servers) != 5 {
		t.Fatalf("results out of order or wrong: %+v", got)
	}

	_, err = ListSourceServersInRegions(context.Background(), []string{"us-east-1", "ap-south-1"}, apiFor, nil)
	if err == nil || !strings.Contains(err.Error(), "region ap-south-1") {
		t.Fatalf("want an error naming the failing region, got %v", err)
	}
}

// refusedAPI answers as AWS does for unknown credentials, and for any call
// in an opt-in region the account has not enabled.
type refusedAPI struct{}

func (refusedAPI) DescribeSourceServers(context.Context, *drs.DescribeSourceServersInput, ...func(*drs.Options)) (*drs.DescribeSourceServersOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}
}

func TestListSourceServersInRegionsReportsDisabledOptInRegions(t *testing.T) {
	refused := refusedAPI{}
	for name, tc := range map[string]struct {
		apis         map[string]SourceServerAPI
		wantDisabled []string
		wantErr      string
	}{
		"opt-in refused, another region read": {
			apis:         map[string]SourceServerAPI{"af-south-1": &pagedServers{n: 2}, "me-south-1": refused},
			wantDisabled: []string{"me-south-1"},
		},
		"an uninitialized region accepted the credentials too": {
			apis:         map[string]SourceServerAPI{"eu-west-1": uninitializedAPI{}, "me-south-1": refused, "ap-east-1": refused},
			wantDisabled: []string{"me-south-1", "ap-east-1"},
		},
		"a region enabled by default refused": {
			apis:    map[string]SourceServerAPI{"us-east-1": &pagedServers{n: 2}, "eu-west-1": refused},
			wantErr: "region eu-west-1: DescribeSourceServers: api error UnrecognizedClientException: The security token included in the request is invalid.",
		},
		"every region refused: bad credentials": {
			apis:    map[string]SourceServerAPI{"af-south-1": refused, "me-south-1": refused},
			wantErr: "no other region of this read accepted the credentials",
		},
		"the only region refused": {
			apis:    map[string]SourceServerAPI{"me-south-1": refused},
			wantErr: "me-south-1 is an opt-in region, but no other region of this read accepted the credentials",
		},
		"another failure is no proof the credentials work": {
			apis:    map[string]SourceServerAPI{"ap-south-1": failingAPI{}, "me-south-1": refused},
			wantErr: "no other region of this read accepted the credentials",
		},
	} {
		t.Run(name, func(t *testing.T) {
			var regions []string
			for _, r := range Regions {
				if tc.apis[r.Code] != nil {
					regions = append(regions, r.Code)
				}
			}
			got, err := ListSourceServersInRegions(context.Background(), regions, func(r string) SourceServerAPI { return tc.apis[r] }, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var disabled []string
			for _, rs := range got {
				if rs.Disabled {
					disabled = append(disabled, rs.Region)
				}
			}
			if !slices.Equal(sortedCopy(disabled), sortedCopy(tc.wantDisabled)) {
				t.Fatalf("disabled regions %v, want %v", disabled, tc.wantDisabled)
			}
		})
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
