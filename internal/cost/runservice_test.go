package cost_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/pricing"

	"github.com/drsorch/terraform-provider-drsorch/internal/cost"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// The demo estate through the real SDK clients: DRS's launch settings and
// EC2's launch templates give each server's type, the run service's
// simulated Price List its price, and prices are read once per process.
func TestEstimateOfTheDemoEstate(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	front := svc.Front(t)
	cfg := svc.AWSConfig("us-east-1")
	cfg.BaseEndpoint = aws.String(front.URL)
	ctx := context.Background()
	drsAPI, ec2API, priceAPI := drs.NewFromConfig(cfg), ec2.NewFromConfig(cfg), pricing.NewFromConfig(cfg)

	servers, err := drsapi.ListSourceServers(ctx, drsAPI, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	var all []string
	for _, s := range servers {
		ids[aws.ToString(s.SourceProperties.IdentificationHints.Hostname)] = aws.ToString(s.SourceServerID)
		all = append(all, aws.ToString(s.SourceServerID))
	}
	// shop-app-1 launches what its launch template says.
	if _, err := drsAPI.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: aws.String(ids["shop-app-1"]),
		TargetInstanceTypeRightSizingMethod: drstypes.TargetInstanceTypeRightSizingMethodNone}); err != nil {
		t.Fatal(err)
	}
	launches, err := cost.Launches(ctx, drsAPI, ec2API, all)
	if err != nil {
		t.Fatal(err)
	}
	byHost := map[string]cost.Launch{}
	for _, l := range launches {
		byHost[l.Hostname] = l
	}
	if l := byHost["shop-db-1"]; l.InstanceType != "r5.xlarge" || !strings.Contains(l.Basis, "right-sizing BASIC") || l.OS != "Linux" {
		t.Errorf("shop-db-1: %+v, want r5.xlarge from right-sizing BASIC", l)
	}
	if l := byHost["shop-app-1"]; l.InstanceType == "" || !strings.Contains(l.Basis, "launch template lt-") {
		t.Errorf("shop-app-1: %+v, want its launch template's type", l)
	}
	if l := byHost["files-1"]; l.OS != "Windows" {
		t.Errorf("files-1: %+v, want Windows", l)
	}

	prices := cost.NewPriceList()
	keys := cost.Keys("us-east-1", launches)
	got, err := prices.Prices(ctx, priceAPI, "us-east-1", keys)
	if err != nil {
		t.Fatal(err)
	}
	calls := front.Calls("GetProducts")
	if calls != len(keys) {
		t.Errorf("%d GetProducts calls for %d prices", calls, len(keys))
	}
	if _, err := prices.Prices(ctx, priceAPI, "us-east-1", keys); err != nil || front.Calls("GetProducts") != calls {
		t.Errorf("a second read asked the Price List again (%d calls, error %v): prices are cached per process", front.Calls("GetProducts")-calls, err)
	}
	e := cost.Compute("us-east-1", launches, got, time.Hour, false)
	if len(e.Lines) == 0 || e.PerHour <= 0 {
		t.Fatalf("nothing priced: %+v", e)
	}
	var windows bool
	for _, u := range e.Unpriced {
		if u.Hostname == "files-1" && strings.Contains(u.Reason, "Windows") {
			windows = true
		}
	}
	if !windows {
		t.Errorf("files-1 (Windows, its own license by DRS's default) must be listed unpriced: %+v", e.Unpriced)
	}

	// A Price List that cannot be read fails the estimate, it is not zero.
	front.Outage("GetProducts")
	if _, err := cost.NewPriceList().Prices(ctx, priceAPI, "us-east-1", keys); err == nil || !strings.Contains(err.Error(), "pricing:GetProducts") {
		t.Errorf("Price List down: got %v, want an error naming pricing:GetProducts", err)
	}
}
