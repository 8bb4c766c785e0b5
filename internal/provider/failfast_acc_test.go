package provider

import (
	"net"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

// `terraform plan` against a run service that is not running fails within
// ten seconds (it took about three minutes: 25 retries of a refused
// connection), naming the endpoint and how to start the service.
func TestAccUnreachableEndpointFailsPlanFast(t *testing.T) {
	acctest.PreCheck(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock("", `region = "us-east-1"`, `run_service_endpoint = "http://`+addr+`"`) + `
data "drsorch_source_servers" "all" {}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)cannot\s+reach\s+http://` + regexp.QuoteMeta(addr) + `\s+\(connection\s+refused\).*drsorch\s+serve\s+--listen\s+` + regexp.QuoteMeta(addr)),
		}},
	})
	took := time.Since(start)
	t.Logf("terraform plan against a closed port failed after %.1fs", took.Seconds())
	if took > 10*time.Second {
		t.Errorf("terraform plan took %s to fail, want at most 10s", took)
	}
}
