package awsclient_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// The shared listing is read once, and a tag written through the same
// clients shows at the next read at the cost of one filtered call for
// that server, not a new listing.
func TestSourceServersSeeTheClientsOwnWrites(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	svc := runservicetest.Start(t, runservice.Config{})
	front := svc.Front(t)
	c, err := awsclient.New(ctx, awsclient.Settings{Region: "us-east-1", RunServiceEndpoint: front.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	servers, err := c.SourceServers().List(ctx)
	if err != nil || len(servers) == 0 {
		t.Fatalf("list: %d servers, %v", len(servers), err)
	}
	c.SourceServers().List(ctx)
	if n := front.Calls("DescribeSourceServers"); n != 1 {
		t.Fatalf("%d DescribeSourceServers for two reads, want 1", n)
	}
	target := servers[0]
	if _, err := c.DRS.TagResource(ctx, &drs.TagResourceInput{ResourceArn: target.Arn, Tags: map[string]string{"cache": "seen"}}); err != nil {
		t.Fatal(err)
	}
	got, found, err := c.SourceServers().Get(ctx, aws.ToString(target.SourceServerID))
	if err != nil || !found || got.Tags["cache"] != "seen" {
		t.Fatalf("tag written through the clients not seen: %v %v %v", got.Tags, found, err)
	}
	reqs := front.Requests("DescribeSourceServers")
	if len(reqs) != 2 {
		t.Fatalf("%d DescribeSourceServers, want the listing and one filtered read", len(reqs))
	}
	if body := string(reqs[1]); !strings.Contains(body, aws.ToString(target.SourceServerID)) {
		t.Fatalf("second read is not filtered to the written server: %s", body)
	}
	// Another region has its own listing.
	if c.ForRegion("us-west-2").SourceServers() == c.SourceServers() {
		t.Fatal("regions share one listing")
	}
}
