package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

func TestRegionTableHasThirtyUniqueRegions(t *testing.T) {
	if len(drsRegions) != 30 {
		t.Fatalf("%d regions, want the 30 DRS regions", len(drsRegions))
	}
	seen := map[string]bool{}
	for _, r := range drsRegions {
		if seen[r.Code] || r.Name == "" || r.Geography == "" || (r.Partition != "aws" && r.Partition != "aws-us-gov") {
			t.Fatalf("bad or duplicate entry %+v", r)
		}
		seen[r.Code] = true
	}
}

func TestAccRegionsDataSource(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "drsorch_regions" "all" {}
data "drsorch_regions" "gov" {
  partition = "aws-us-gov"
}
data "drsorch_regions" "europe" {
  geography = "Europe"
}
data "drsorch_regions" "opt_in" {
  opt_in = true
}
data "drsorch_regions" "by_default" {
  opt_in = false
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.drsorch_regions.all", "regions.#", "30"),
				resource.TestCheckResourceAttr("data.drsorch_regions.all", "codes.#", "30"),
				resource.TestCheckTypeSetElemAttr("data.drsorch_regions.all", "codes.*", "eu-west-1"),
				resource.TestCheckTypeSetElemNestedAttrs("data.drsorch_regions.all", "regions.*", map[string]string{
					"code": "ap-southeast-2", "name": "Asia Pacific (Sydney)", "geography": "Asia Pacific", "partition": "aws",
				}),
				resource.TestCheckResourceAttr("data.drsorch_regions.gov", "regions.#", "2"),
				resource.TestCheckResourceAttr("data.drsorch_regions.europe", "regions.#", "8"),
				resource.TestCheckTypeSetElemNestedAttrs("data.drsorch_regions.all", "regions.*", map[string]string{"code": "me-south-1", "opt_in": "true"}),
				resource.TestCheckTypeSetElemNestedAttrs("data.drsorch_regions.all", "regions.*", map[string]string{"code": "ap-northeast-3", "opt_in": "false"}),
				resource.TestCheckResourceAttr("data.drsorch_regions.opt_in", "regions.#", "11"),
				resource.TestCheckTypeSetElemAttr("data.drsorch_regions.opt_in", "codes.*", "af-south-1"),
				resource.TestCheckResourceAttr("data.drsorch_regions.by_default", "regions.#", "19"),
			),
		}},
	})
}
