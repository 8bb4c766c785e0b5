package drssim_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

func TestDemoEstate(t *testing.T) {
	svc := start(t, nil)
	servers, pages := allServers(t, drsClient(svc, "us-east-1"), 0)
	if len(servers) != 12 || pages != 1 {
		t.Fatalf("us-east-1: %d servers in %d pages, want 12 in 1", len(servers), pages)
	}
	tiers := map[string]int{}
	for _, s := range servers {
		if s.Tags["app"] == "shop" {
			tiers[s.Tags["tier"]]++
		}
		if want := "arn:aws:drs:us-east-1:123456789012:source-server/" + aws.ToString(s.SourceServerID); aws.ToString(s.Arn) != want {
			t.Errorf("arn %s, want %s", aws.ToString(s.Arn), want)
		}
	}
	if tiers["db"] != 2 || tiers["app"] != 3 || tiers["web"] != 4 {
		t.Errorf("shop tiers %v, want db 2, app 3, web 4", tiers)
	}
	db := serverByHost(t, servers, "shop-db-1")
	if db.DataReplicationInfo.DataReplicationState != types.DataReplicationStateContinuous ||
		aws.ToString(db.DataReplicationInfo.LagDuration) == "" || db.LastLaunchResult != types.LastLaunchResultNotStarted {
		t.Errorf("shop-db-1 replication %+v last launch %s", db.DataReplicationInfo, db.LastLaunchResult)
	}
	if len(db.SourceProperties.Disks) != 2 || aws.ToString(db.SourceProperties.RecommendedInstanceType) != "r5.xlarge" {
		t.Errorf("shop-db-1 properties %+v", db.SourceProperties)
	}
	if st := serverByHost(t, servers, "legacy-crm-1").DataReplicationInfo.DataReplicationState; st != types.DataReplicationStateStalled {
		t.Errorf("legacy-crm-1 state %s, want STALLED", st)
	}
	west, _ := allServers(t, drsClient(svc, "us-west-2"), 0)
	if len(west) != 3 {
		t.Errorf("us-west-2: %d servers, want 3", len(west))
	}
}

func TestPaginationOver1200Servers(t *testing.T) {
	svc := start(t, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1",
		Generate: &drssim.GenerateSpec{Count: 1200, HostnamePrefix: "gen", Tags: map[string]string{"fleet": "bulk"}}}}})
	c := drsClient(svc, "us-east-1")
	for _, tc := range []struct {
		size  int32
		pages int
	}{{0, 2}, {500, 3}, {100, 12}, {1000, 2}} {
		servers, pages := allServers(t, c, tc.size)
		if pages != tc.pages || len(servers) != 1200 {
			t.Errorf("maxResults %d: %d servers in %d pages, want 1200 in %d", tc.size, len(servers), pages, tc.pages)
		}
		seen := map[string]bool{}
		for _, s := range servers {
			id := aws.ToString(s.SourceServerID)
			if seen[id] {
				t.Fatalf("maxResults %d: server %s returned twice", tc.size, id)
			}
			seen[id] = true
			if s.Tags["fleet"] != "bulk" {
				t.Fatalf("server %s tags %v", id, s.Tags)
			}
		}
	}
	// Filter by IDs.
	servers, _ := allServers(t, c, 0)
	want := []string{aws.ToString(servers[7].SourceServerID), aws.ToString(servers[1100].SourceServerID)}
	out, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{Filters: &types.DescribeSourceServersRequestFilters{SourceServerIDs: want}})
	if err != nil || len(out.Items) != 2 {
		t.Fatalf("filter by IDs: %v, %d items", err, len(out.Items))
	}
	// Staging-account filter: no simulated server is extended.
	out, err = c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{Filters: &types.DescribeSourceServersRequestFilters{StagingAccountIDs: []string{"111122223333"}}})
	if err != nil || len(out.Items) != 0 {
		t.Fatalf("staging filter: %v, %d items", err, len(out.Items))
	}
	// hardwareId matches a MAC address.
	mac := aws.ToString(servers[3].SourceProperties.NetworkInterfaces[0].MacAddress)
	out, err = c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{Filters: &types.DescribeSourceServersRequestFilters{HardwareId: aws.String(mac)}})
	if err != nil || len(out.Items) != 1 || aws.ToString(out.Items[0].SourceServerID) != aws.ToString(servers[3].SourceServerID) {
		t.Fatalf("hardwareId filter: %v, %+v", err, out)
	}
}

func TestListValidation(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	for _, n := range []int32{0, -1} {
		_, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{MaxResults: aws.Int32(n)})
		ve := wantValidation(t, err, "maxResults")
		if ve.Reason != types.ValidationExceptionReasonFieldValidationFailed {
			t.Errorf("reason %s", ve.Reason)
		}
	}
	_, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{NextToken: aws.String("garbage")})
	wantValidation(t, err, "nextToken")
	_, err = c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{Filters: &types.DescribeSourceServersRequestFilters{SourceServerIDs: []string{"s-123"}}})
	wantValidation(t, err, "filters.sourceServerIDs[0]")
	_, err = c.DescribeJobs(ctx, &drs.DescribeJobsInput{Filters: &types.DescribeJobsRequestFilters{FromDate: aws.String("yesterday")}})
	wantValidation(t, err, "filters.fromDate")
}

func TestUninitializedEstate(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "eu-west-1")
	_, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	var ue *types.UninitializedAccountException
	if !errors.As(err, &ue) {
		t.Fatalf("want UninitializedAccountException, got %v", err)
	}
	if _, err := c.InitializeService(ctx, &drs.InitializeServiceInput{}); err != nil {
		t.Fatalf("InitializeService: %v", err)
	}
	out, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	if err != nil || len(out.Items) != 0 {
		t.Fatalf("after InitializeService: %v, %d items", err, len(out.Items))
	}
}

func TestInventoryErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct{ json, want string }{
		{`{"estates":[{"region":"mars-1"}]}`, "estates[0].region"},
		{`{"estates":[{"region":"us-east-1","servers":[{"hostname":"a","os":"BEOS"}]}]}`, "estates[0].servers[0].os"},
		{`{"estates":[{"region":"us-east-1","servers":[{"hostname":"a","replicationState":"NAPPING"}]}]}`, "estates[0].servers[0].replicationState"},
		{`{"estates":[{"region":"us-east-1","quotas":{"L-NOPE":1}}]}`, "estates[0].quotas.L-NOPE"},
		{`{"estates":[{"region":"us-east-1","generate":{"count":"many"}}]}`, "estates.generate.count"},
		{`{"estates":[{"region":"us-east-1","faults":{"throttlePercent":150}}]}`, "estates[0].faults.throttlePercent"},
		{`{"estates":[{"region":"us-east-1","servers":[{"hostname":"a"},{"hostname":"a"}]}]}`, "estates[0].servers[1].hostname"},
		{`{"estates":[{"region":"us-east-1","serverz":[]}]}`, "serverz"},
		{`{"estates":[{"region":"us-east-1","account":"12"}]}`, "estates[0].account"},
	} {
		_, err := drssim.ParseInventory([]byte(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v does not name %s", tc.json, err, tc.want)
		}
	}
	if _, err := drssim.ParseInventory([]byte(`{"estates":[{"region":"us-east-1","servers":[{"hostname":"db-1","tags":{"tier":"db"},"lagSeconds":5,"disks":[{"deviceName":"/dev/sda1","bytes":1}]}]}]}`)); err != nil {
		t.Errorf("valid inventory refused: %v", err)
	}
}

func TestBadInventoryStopsStartUp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inv.json")
	if err := os.WriteFile(path, []byte(`{"estates":[{"region":"us-east-1","servers":[{"hostname":"a","os":"SOLARIS"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := runservice.New(runservice.Config{Inventory: path})
	if err == nil || !strings.Contains(err.Error(), "estates[0].servers[0].os") {
		t.Fatalf("start-up error %v does not name the field", err)
	}
	_, err = runservice.New(runservice.Config{Inventory: filepath.Join(t.TempDir(), "missing.json")})
	if err == nil || !strings.Contains(err.Error(), "inventory") {
		t.Fatalf("missing inventory: %v", err)
	}
}

func TestInventoryExampleFile(t *testing.T) {
	inv, err := drssim.LoadInventory(filepath.Join("testdata", "inventory.json"))
	if err != nil {
		t.Fatal(err)
	}
	svc := runservicetest.Start(t, runservice.Config{Inventory: filepath.Join("testdata", "inventory.json")})
	servers, _ := allServers(t, drsClient(svc, "us-east-1"), 0)
	if len(servers) != 1202 || len(inv.Estates) != 2 {
		t.Fatalf("%d servers from the example inventory, want 1202", len(servers))
	}
	db := serverByHost(t, servers, "db-1")
	if aws.ToString(db.SourceServerID) != "s-0123456789abcdef0" || db.Tags["tier"] != "db" {
		t.Fatalf("db-1 %+v", db)
	}
	eu, _ := allServers(t, drsClient(svc, "eu-west-1"), 0)
	if len(eu) != 1 {
		t.Fatalf("eu-west-1: %d servers", len(eu))
	}
}
