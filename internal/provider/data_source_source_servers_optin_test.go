package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// optInInventory: the default account has enabled the opt-in region
// af-south-1 (two servers there) but not me-south-1.
func optInInventory() acctest.Inventory {
	return acctest.Inventory{
		Estates: []acctest.Estate{{Account: "123456789012", Region: "af-south-1",
			Servers: []acctest.Server{{Hostname: "cpt-db-1"}, {Hostname: "cpt-app-1"}}}},
		DisabledRegions: []acctest.DisabledRegions{{Account: "123456789012", Regions: []string{"me-south-1"}}},
	}
}

func TestAccSourceServersReportsDisabledOptInRegions(t *testing.T) {
	env := acctest.Start(t, acctest.WithInventory(t, optInInventory()))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "drsorch_source_servers" "africa_and_gulf" {
  regions = ["af-south-1", "me-south-1"]
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(servers+"africa_and_gulf", "servers.#", "2"),
				resource.TestCheckResourceAttr(servers+"africa_and_gulf", "servers.0.region", "af-south-1"),
				resource.TestCheckResourceAttr(servers+"africa_and_gulf", "disabled_regions.#", "1"),
				resource.TestCheckResourceAttr(servers+"africa_and_gulf", "disabled_regions.0", "me-south-1"),
				resource.TestCheckResourceAttr(servers+"africa_and_gulf", "uninitialized_regions.#", "0"),
			),
		}, {
			// Alone, the disabled region cannot be told from bad credentials.
			Config: env.ProviderConfig() + `
data "drsorch_source_servers" "gulf" {
  regions = ["me-south-1"]
}`,
			ExpectError: regexp.MustCompile(`(?s)region me-south-1: .*UnrecognizedClientException.*me-south-1 is an\s+opt-in\s+region,\s+but\s+no\s+other\s+region`),
		}},
	})
}

// Credentials the run service does not know are refused in every region,
// opt-in ones included: that is an error, never disabled regions.
func TestAccSourceServersBadCredentialsInEveryRegionFail(t *testing.T) {
	env := acctest.Start(t, acctest.WithInventory(t, optInInventory()), func(c *runservice.Config) {
		// The provider signs with the local key; the service knows another.
		c.Credentials = map[string]string{"AKIADRSORCHOTHER0000": "another-secret-0123456789"}
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "drsorch_source_servers" "bad_keys" {
  regions = ["af-south-1", "me-south-1", "us-east-1"]
}`,
			ExpectError: regexp.MustCompile(`(?s)region af-south-1: .*UnrecognizedClientException.*region me-south-1: .*UnrecognizedClientException.*region us-east-1: .*UnrecognizedClientException`),
		}},
	})
}

// The warning names the disabled regions and both fixes.
func TestSourceServersWarnsOfDisabledOptInRegions(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{Inventory: acctest.WriteInventory(t, optInInventory())})
	got, diags := readSourceServers(t, svc.URL, "af-south-1", "me-south-1")
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	w := diags.Warnings()[0]
	for _, want := range []string{"me-south-1", "Enable the regions in the account", "leave them out of `regions`"} {
		if !strings.Contains(w.Detail(), want) {
			t.Fatalf("warning %q does not say %q", w.Detail(), want)
		}
	}
	if len(got) != 1 || got[0] != "me-south-1" {
		t.Fatalf("disabled_regions %v", got)
	}
}

// readSourceServers reads drsorch_source_servers over regions from the run
// service at url and returns disabled_regions and the diagnostics.
func readSourceServers(t *testing.T, url string, regions ...string) ([]string, diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	clients, err := awsclient.New(ctx, awsclient.Settings{Region: "us-east-1", RunServiceEndpoint: url},
		func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	ds := &sourceServersDataSource{clients: clients}
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	sr.Schema.Attributes["region"] = dschema.StringAttribute{Optional: true} // added by the regional wrapper
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(t, nil)
	}
	var list []tftypes.Value
	for _, r := range regions {
		list = append(list, tftypes.NewValue(tftypes.String, r))
	}
	values["regions"] = tftypes.NewValue(typ.AttributeTypes["regions"], list)
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, values)}}, &resp)
	var disabled []string
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("disabled_regions"), &disabled)...)
	}
	return disabled, resp.Diagnostics
}
