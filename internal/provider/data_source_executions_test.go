package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

// The listing of a real drill is checked in TestAccExecutionDataSources;
// these are the refusals.
func TestAccExecutionsBadInputs(t *testing.T) {
	env := acctest.Start(t)
	var steps []resource.TestStep
	for _, tc := range []struct{ body, err string }{
		{`plan = "nosuch"`, `(?s)Recovery plan not found.*no recovery plan "nosuch"`},
		{`plan = "no such"`, `(?s)Invalid recovery plan name.*may contain only letters`},
		{`statuses = ["PAUSED"]`, `(?s)Invalid Attribute Value Match.*statuses.*must be one of`},
		{`statuses = []`, `(?s)statuses.*at least 1`},
		{`started_after = "yesterday"`, `(?s)Invalid RFC 3339 time.*started_after.*"yesterday" is not an RFC 3339 time`},
		{`started_before = "2026-01-05 09:00"`, `(?s)Invalid RFC 3339 time.*started_before`},
		{"started_after = \"2026-01-05T10:00:00Z\"\nstarted_before = \"2026-01-05T09:00:00Z\"", `(?s)Empty time range.*started_before \(2026-01-05T09:00:00Z\) must be later than started_after`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      env.ProviderConfig() + "data \"drsorch_executions\" \"x\" {\n" + tc.body + "\n}\n",
			ExpectError: errorPattern(tc.err),
		})
	}
	// No plans deployed: an empty trail, not an error.
	steps = append(steps, resource.TestStep{
		Config: env.ProviderConfig() + `data "drsorch_executions" "all" {}`,
		Check:  resource.TestCheckResourceAttr("data.drsorch_executions.all", "executions.#", "0"),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

func TestCheckRFC3339(t *testing.T) {
	for s, ok := range map[string]bool{"2026-01-05T09:00:00Z": true, "2026-01-05T10:00:00+01:00": true, "2026-01-05": false, "": false} {
		if err := checkRFC3339(s); (err == nil) != ok {
			t.Errorf("checkRFC3339(%q) = %v, want ok=%v", s, err, ok)
		}
	}
}
