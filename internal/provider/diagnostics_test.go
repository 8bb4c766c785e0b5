package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

// Each class of AWS error becomes a diagnostic that says what happened and
// what to change. A fake endpoint returns the error on every call.
func TestAccErrorClassesSurfaceAsClearDiagnostics(t *testing.T) {
	acctest.PreCheck(t)
	for name, tc := range map[string]struct {
		status int
		code   string
		body   string
		want   string
	}{
		"access denied": {403, "AccessDeniedException", `{"message":"User is not authorized to perform drs:DescribeSourceServers","code":"AccessDeniedException"}`,
			`(?s)Could not read DRS source servers: access denied.*not allowed to call this operation.*drs:DescribeSourceServers`},
		"validation": {400, "ValidationException", `{"message":"Invalid filters","reason":"fieldValidationFailed","fieldList":[{"name":"filters.sourceServerIDs","message":"too many IDs"}]}`,
			`(?s)invalid request.*filters.sourceServerIDs: too many IDs`},
		"throttling": {429, "ThrottlingException", `{"message":"Rate exceeded","retryAfterSeconds":"0"}`,
			`(?s)AWS kept throttling the requests.*max_retries`},
		"internal": {500, "InternalServerException", `{"message":"boom","retryAfterSeconds":0}`,
			`(?s)the service failed internally.*every retry`},
	} {
		t.Run(name, func(t *testing.T) {
			url := fakeAWS(t, tc.status, tc.code, tc.body)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config: acctest.ProviderBlock("", `region = "us-east-1"`, `run_service_endpoint = "`+url+`"`, `max_retries = 1`) +
						`data "drsorch_source_servers" "all" {}`,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestAccUnreachableEndpointIsAClearError(t *testing.T) {
	acctest.PreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock("", `region = "us-east-1"`, `run_service_endpoint = "http://127.0.0.1:1"`, `max_retries = 0`) +
				`data "drsorch_source_servers" "all" {}`,
			ExpectError: regexp.MustCompile(`(?s)the endpoint cannot be reached.*drsorch serve`),
		}},
	})
}

// Uninitialized DRS is an error where DRS must answer (quotas), and a
// reported gap where discovery searches many regions.
func TestAccUninitializedDRS(t *testing.T) {
	acctest.PreCheck(t)
	url := fakeAWS(t, 400, "UninitializedAccountException", `{"message":"Account not initialized","code":"UninitializedAccountException"}`)
	provider := acctest.ProviderBlock("", `region = "us-east-1"`, `run_service_endpoint = "`+url+`"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + `data "drsorch_quotas" "this" {}`,
				ExpectError: regexp.MustCompile(`(?s)DRS is not initialized in this account and region.*initialize-service`),
			},
			{
				Config: provider + `data "drsorch_source_servers" "all" {}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.drsorch_source_servers.all", "servers.#", "0"),
					resource.TestCheckResourceAttr("data.drsorch_source_servers.all", "uninitialized_regions.#", "1"),
					resource.TestCheckResourceAttr("data.drsorch_source_servers.all", "uninitialized_regions.0", "us-east-1"),
				),
			},
		},
	})
}
