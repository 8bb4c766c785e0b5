package drssim_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

var ctx = context.Background()

// start runs a run service with inventory (nil: the demo estate).
func start(t testing.TB, inv *drssim.Inventory) *runservicetest.Service {
	t.Helper()
	cfg := runservice.Config{}
	if inv != nil {
		cfg.Inventory = writeInventory(t, inv)
	}
	return runservicetest.Start(t, cfg)
}

func writeInventory(t testing.TB, inv *drssim.Inventory) string {
	t.Helper()
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "inventory.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func drsClient(svc *runservicetest.Service, region string) *drs.Client {
	return drs.NewFromConfig(awsConfig(svc, region))
}

// awsConfig is the service's SDK configuration (with the production HTTP
// client) for region.
func awsConfig(svc *runservicetest.Service, region string) aws.Config {
	return svc.AWSConfig(region)
}

// allServers pages through DescribeSourceServers.
func allServers(t testing.TB, c *drs.Client, pageSize int32) ([]types.SourceServer, int) {
	t.Helper()
	in := &drs.DescribeSourceServersInput{}
	if pageSize > 0 {
		in.MaxResults = aws.Int32(pageSize)
	}
	p := drs.NewDescribeSourceServersPaginator(c, in)
	var out []types.SourceServer
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("DescribeSourceServers page %d: %v", pages+1, err)
		}
		pages++
		out = append(out, page.Items...)
	}
	return out, pages
}

func serverByHost(t testing.TB, servers []types.SourceServer, host string) types.SourceServer {
	t.Helper()
	for _, s := range servers {
		if s.SourceProperties != nil && s.SourceProperties.IdentificationHints != nil &&
			aws.ToString(s.SourceProperties.IdentificationHints.Hostname) == host {
			return s
		}
	}
	t.Fatalf("no source server with hostname %s", host)
	return types.SourceServer{}
}

func serverIDs(t testing.TB, c *drs.Client, hosts ...string) []string {
	t.Helper()
	servers, _ := allServers(t, c, 0)
	var ids []string
	for _, h := range hosts {
		ids = append(ids, aws.ToString(serverByHost(t, servers, h).SourceServerID))
	}
	return ids
}

func recoveryInput(drill bool, ids ...string) *drs.StartRecoveryInput {
	in := &drs.StartRecoveryInput{IsDrill: aws.Bool(drill)}
	for _, id := range ids {
		in.SourceServers = append(in.SourceServers, types.StartRecoveryRequestSourceServer{SourceServerID: aws.String(id)})
	}
	return in
}

// wantAPIError asserts err is an API error with the code and returns it.
func wantAPIError(t testing.TB, err error, code string) smithy.APIError {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("want %s, got %s: %s", code, apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
	return apiErr
}

// wantValidation asserts a ValidationException naming field.
func wantValidation(t testing.TB, err error, field string) *types.ValidationException {
	t.Helper()
	var ve *types.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("want ValidationException on %s, got %v", field, err)
	}
	for _, f := range ve.FieldList {
		if aws.ToString(f.Name) == field {
			return ve
		}
	}
	t.Fatalf("ValidationException does not name %s: %s %+v", field, aws.ToString(ve.Message), ve.FieldList)
	return nil
}

func describeJob(t testing.TB, c *drs.Client, id string) types.Job {
	t.Helper()
	out, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{Filters: &types.DescribeJobsRequestFilters{JobIDs: []string{id}}})
	if err != nil {
		t.Fatalf("DescribeJobs: %v", err)
	}
	if len(out.Items) != 1 {
		t.Fatalf("DescribeJobs %s: %d items", id, len(out.Items))
	}
	return out.Items[0]
}

func jobEvents(t testing.TB, c *drs.Client, id string) []types.JobLog {
	t.Helper()
	var logs []types.JobLog
	p := drs.NewDescribeJobLogItemsPaginator(c, &drs.DescribeJobLogItemsInput{JobID: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("DescribeJobLogItems: %v", err)
		}
		logs = append(logs, page.Items...)
	}
	return logs
}

func advance(svc *runservicetest.Service, d time.Duration) { svc.App.DRS.Advance(d) }
