package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

func TestPlanNameFromImportID(t *testing.T) {
	for id, want := range map[string]string{
		"shop": "shop",
		"arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop":       "shop",
		"arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop:7":     "shop",
		"arn:aws-cn:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop:12": "shop",
	} {
		if got, err := planNameFromImportID(id, "us-east-1"); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", id, got, err, want)
		}
	}
	for id, msg := range map[string]string{
		"arn:aws:states:eu-west-1:123456789012:stateMachine:drsorch-plan-shop":    "is in eu-west-1 but the provider works in us-east-1",
		"arn:aws:states:us-east-1:123456789012:stateMachine:other":                "is not a drsorch recovery plan",
		"arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:drill": "is not a state machine ARN",
	} {
		if _, err := planNameFromImportID(id, "us-east-1"); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want an error with %q", id, err, msg)
		}
	}
}

// stateAttr returns a function that reads an attribute of a resource from
// state, for ImportStateIdFunc.
func stateAttr(name, attr string, transform func(string) string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		r, ok := s.RootModule().Resources[name]
		if !ok {
			return "", fmt.Errorf("%s not in state", name)
		}
		return transform(r.Primary.Attributes[attr]), nil
	}
}

func same(s string) string { return s }

// A plan imports by its state machine ARN and by a version ARN as well as
// by name; an execution by its name as well as by its ARN.
func TestAccImportByARNAndName(t *testing.T) {
	env := startRunning(t)
	config := drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`)
	planImport := func(attr string) resource.TestStep {
		return resource.TestStep{
			ResourceName:            "drsorch_recovery_plan.shop",
			ImportState:             true,
			ImportStateIdFunc:       stateAttr("drsorch_recovery_plan.shop", attr, same),
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"force_destroy", "wave.0.timeout", "wave.1.timeout", "wave.2.timeout"},
		}
	}
	executionImport := func(idOf func(string) string) resource.TestStep {
		return resource.TestStep{
			ResourceName:            "drsorch_execution.drill",
			ImportState:             true,
			ImportStateIdFunc:       stateAttr("drsorch_execution.drill", "arn", idOf),
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"approved_waves", "timeouts", "recovery_plan"},
		}
	}
	executionName := func(arn string) string { return arn[strings.LastIndex(arn, ":")+1:] }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config},
			planImport("arn"),
			planImport("version_arn"),
			executionImport(same),
			executionImport(executionName),
			{
				ResourceName:  "drsorch_execution.drill",
				ImportState:   true,
				ImportStateId: "no-such-drill",
				ExpectError:   regexp.MustCompile(`no execution named "no-such-drill" in any recovery plan`),
			},
		},
	})
}
