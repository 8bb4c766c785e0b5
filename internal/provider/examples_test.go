package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

// readExample returns an example file that the docs publish.
func readExample(t *testing.T, parts ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{"..", "..", "examples"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The documented data source examples run as published against the demo
// estate (drsorch_source_server's example names a placeholder ID, so it
// is checked for its not-found message instead).
func TestAccDataSourceExamplesRun(t *testing.T) {
	env := acctest.Start(t)
	for _, name := range []string{"drsorch_source_servers", "drsorch_quotas", "drsorch_regions"} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config: env.ProviderConfig() + readExample(t, "data-sources", name, "data-source.tf"),
				}},
			})
		})
	}
	t.Run("drsorch_source_server", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testFactories,
			Steps: []resource.TestStep{{
				Config:      env.ProviderConfig() + readExample(t, "data-sources", "drsorch_source_server", "data-source.tf"),
				ExpectError: regexp.MustCompile(`Source server not found`),
			}},
		})
	})
}
