package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

func TestAccQuotasFromServiceQuotas(t *testing.T) {
	env := acctest.Start(t, acctest.WithInventory(t, acctest.Inventory{Estates: []acctest.Estate{{
		Account: "123456789012", Region: "us-east-1",
		Quotas: map[string]int{drsapi.QuotaServersPerJob: 50},
		Servers: []acctest.Server{
			{Hostname: "a-1"}, {Hostname: "a-2"}, {Hostname: "a-3", ReplicationState: "STOPPED"},
		},
	}}}))
	const q = "data.drsorch_quotas.this"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `data "drsorch_quotas" "this" {}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(q, "region", "us-east-1"),
				resource.TestCheckResourceAttr(q, "quotas.#", "6"),
				resource.TestCheckTypeSetElemNestedAttrs(q, "quotas.*", map[string]string{
					"code": drsapi.QuotaServersPerJob, "limit": "50", "default": "100", "source": drsapi.SourceServiceQuotas,
				}),
				resource.TestCheckNoResourceAttr(q, "quotas.2.usage"),
				resource.TestCheckResourceAttr(q, "by_code.%", "6"),
				resource.TestCheckResourceAttr(q, "by_code."+drsapi.QuotaServersPerJob+".limit", "50"),
				resource.TestCheckNoResourceAttr(q, "by_code."+drsapi.QuotaJobsPerSourceServer+".usage"),
				resource.TestCheckResourceAttr(q, "by_code."+drsapi.QuotaTotalServers+".headroom", "3997"),
				resource.TestCheckTypeSetElemNestedAttrs(q, "quotas.*", map[string]string{
					"code": drsapi.QuotaTotalServers, "limit": "4000", "usage": "3", "headroom": "3997",
				}),
				resource.TestCheckTypeSetElemNestedAttrs(q, "quotas.*", map[string]string{
					"code": drsapi.QuotaReplicatingServers, "limit": "300", "usage": "2", "headroom": "298",
				}),
				resource.TestCheckTypeSetElemNestedAttrs(q, "quotas.*", map[string]string{
					"code": drsapi.QuotaConcurrentJobs, "usage": "0", "headroom": "20",
				}),
			),
		}},
	})
}

func TestAccQuotasFallBackToDefaultsWhenServiceQuotasDenies(t *testing.T) {
	env := acctest.Start(t)
	denied := fakeAWS(t, 400, "AccessDeniedException", `{"__type":"AccessDeniedException","message":"not authorized to perform servicequotas:ListServiceQuotas"}`)
	const q = "data.drsorch_quotas.this"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig(`endpoints {`, `  servicequotas = "`+denied+`"`, `}`) + `data "drsorch_quotas" "this" {}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(q, "quotas.#", "6"),
				resource.TestCheckTypeSetElemNestedAttrs(q, "quotas.*", map[string]string{
					"code": drsapi.QuotaServersPerJob, "limit": "100", "source": drsapi.SourceDefaultAccessDenied,
				}),
				resource.TestCheckTypeSetElemNestedAttrs(q, "quotas.*", map[string]string{
					"code": drsapi.QuotaTotalServers, "usage": "12", "headroom": "3988", "source": drsapi.SourceDefaultAccessDenied,
				}),
			),
		}},
	})
}
