package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

var testFactories = acctest.Factories(New("test"))

func TestProviderSchemaIsValid(t *testing.T) {
	var resp fwprovider.SchemaResponse
	New("test")().Schema(context.Background(), fwprovider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatal(diags)
	}
}

// regionsConfig reads the static regions table: enough to make Terraform
// configure the provider.
const regionsConfig = `
data "drsorch_regions" "all" {}
`

// isolateAWSEnvironment keeps the machine's AWS settings out of a test
// that is about missing settings.
func isolateAWSEnvironment(t *testing.T) {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "DRSORCH_RUN_SERVICE_ENDPOINT"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestAccProviderMissingRegionIsAClearError(t *testing.T) {
	env := acctest.Start(t)
	isolateAWSEnvironment(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderBlock("", `run_service_endpoint = "`+env.Service.URL+`"`) + regionsConfig,
			ExpectError: regexp.MustCompile(`no AWS region is configured: set .region. in the provider block`),
		}},
	})
}

func TestAccProviderReadsEndpointAndRegionFromEnvironment(t *testing.T) {
	env := acctest.Start(t)
	isolateAWSEnvironment(t)
	t.Setenv("DRSORCH_RUN_SERVICE_ENDPOINT", env.Service.URL)
	t.Setenv("AWS_REGION", "us-west-2")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: `data "drsorch_source_servers" "all" {}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.drsorch_source_servers.all", "servers.#", "3"),
				resource.TestCheckResourceAttr("data.drsorch_source_servers.all", "servers.0.region", "us-west-2"),
			),
		}},
	})
}

func TestAccProviderRejectsMalformedSettings(t *testing.T) {
	env := acctest.Start(t)
	for name, tc := range map[string]struct {
		lines []string
		want  string
	}{
		"endpoint": {[]string{`region = "us-east-1"`, `run_service_endpoint = "127.0.0.1:8787"`}, `run_service_endpoint "127.0.0.1:8787" is not a URL`},
		"duration": {[]string{`region = "us-east-1"`, `run_service_endpoint = "` + env.Service.URL + `"`,
			`assume_role {`, `  role_arn = "arn:aws:iam::210987654321:role/x"`, `  duration = "5 hours"`, `}`}, `Invalid session duration`},
		"role_arn": {[]string{`region = "us-east-1"`, `run_service_endpoint = "` + env.Service.URL + `"`,
			`assume_role {`, `  session_name = "x"`, `}`}, `An assume_role block needs role_arn`},
		"max_retries": {[]string{`region = "us-east-1"`, `max_retries = -1`}, `max_retries`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:      acctest.ProviderBlock("", tc.lines...) + regionsConfig,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestAccProviderAssumeRoleLandsInAnotherAccount(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig(
				`assume_role {`,
				`  role_arn     = "arn:aws:iam::210987654321:role/drsorch-dr"`,
				`  session_name = "acceptance"`,
				`  external_id  = "drsorch"`,
				`  duration     = "1h"`,
				`}`) + `
data "drsorch_source_servers" "billing" {
  tags = { app = "billing" }
}
data "drsorch_source_servers" "shop" {
  tags = { app = "shop" }
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.drsorch_source_servers.billing", "servers.#", "3"),
				resource.TestMatchResourceAttr("data.drsorch_source_servers.billing", "servers.0.arn", regexp.MustCompile(`:210987654321:`)),
				resource.TestCheckResourceAttr("data.drsorch_source_servers.shop", "servers.#", "0"),
			),
		}},
	})
}

func TestAccProviderAssumeRoleFailureIsAClearError(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:      env.ProviderConfig(`max_retries = 0`, `assume_role {`, `  role_arn = "arn:aws:iam::12:role/bad"`, `}`) + regionsConfig,
			ExpectError: regexp.MustCompile(`assume role arn:aws:iam::12:role/bad`),
		}},
	})
}

// fakeAWS answers every request with one canned error response.
func fakeAWS(t *testing.T, status int, code, body string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
