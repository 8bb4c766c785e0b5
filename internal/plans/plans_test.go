package plans_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// Old versions beyond the newest keep are deleted, except one a running
// execution started on and one an alias references.
func TestPruneVersionsKeepsTheNewestAndThoseInUse(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	api := sfn.NewFromConfig(svc.AWSConfig("us-east-1"))
	ctx := context.Background()
	def := func(i int) *string {
		return aws.String(fmt.Sprintf(`{"Comment":"v%d","StartAt":"w","States":{"w":{"Type":"Wait","Seconds":100000,"End":true}}}`, i))
	}
	out, err := api.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("drsorch-plan-p"), Definition: def(1),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch"), Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.StateMachineArn)
	for i := 2; i <= 12; i++ {
		if _, err := api.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: def(i), Publish: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := api.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + ":2"), Name: aws.String("on-v2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("PROD"),
		RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":3"), Weight: 100}}}); err != nil {
		t.Fatal(err)
	}
	deleted, err := plans.PruneVersions(ctx, api, arn, 8)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{arn + ":4", arn + ":1"}; !slices.Equal(deleted, want) {
		t.Fatalf("deleted %v, want %v", deleted, want)
	}
	left, err := plans.Versions(ctx, api, arn)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, v := range left {
		numbers = append(numbers, v[strings.LastIndex(v, ":")+1:])
	}
	if got := strings.Join(numbers, ","); got != "12,11,10,9,8,7,6,5,3,2" {
		t.Fatalf("versions left %s", got)
	}
	if deleted, err := plans.PruneVersions(ctx, api, arn, 8); err != nil || len(deleted) != 0 {
		t.Fatalf("second prune deleted %v (%v)", deleted, err)
	}
}

func TestVersionDescriptionFitsStepFunctions(t *testing.T) {
	d := plans.VersionDescription("drsorch (terraform apply)", "{}")
	if !strings.HasPrefix(d, "drsorch (terraform apply); definition sha256:") || len(d) > 256 {
		t.Fatalf("description %q", d)
	}
	if plans.VersionDescription("x", "{}") == plans.VersionDescription("x", "{ }") {
		t.Fatal("two definitions, one description")
	}
}
