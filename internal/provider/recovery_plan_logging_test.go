package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// A plan logs to its own log group with the configured retention; the group
// outlives the plan unless delete_log_group_on_destroy.
func TestAccRecoveryPlanLogsToALogGroupThatOutlivesIt(t *testing.T) {
	env := acctest.Start(t)
	ctx := context.Background()
	cfg := env.Service.AWSConfig(env.Region)
	sfnClient, logs := sfn.NewFromConfig(cfg), cloudwatchlogs.NewFromConfig(cfg)
	arn := plans.ARN("aws", env.Region, "123456789012", "shop")
	group := "/aws/vendedlogs/states/drsorch-plan-shop"
	groupARN := "arn:aws:logs:" + env.Region + ":123456789012:log-group:" + group
	retention := func(want int32) resource.TestCheckFunc {
		return func(*terraform.State) error {
			out, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
			if err != nil {
				return err
			}
			for _, g := range out.LogGroups {
				if aws.ToString(g.LogGroupName) != group {
					continue
				}
				if got := aws.ToInt32(g.RetentionInDays); got != want {
					return fmt.Errorf("retention %d days, want %d", got, want)
				}
				return nil
			}
			return fmt.Errorf("no log group %s", group)
		}
	}
	withRetention := func(extra string) string {
		return env.ProviderConfig(testRole) + strings.Replace(threeTierPlan(""), `description = "three-tier shop"`, `description = "three-tier shop"`+"\n"+extra, 1)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		// Destroying the plan leaves its log group, and its events.
		CheckDestroy: func(s *terraform.State) error {
			if _, found, err := plans.Find(ctx, sfnClient, arn); err != nil || found {
				return fmt.Errorf("state machine still there (err %v)", err)
			}
			return retention(30)(s)
		},
		Steps: []resource.TestStep{
			{
				Config:      withRetention("log_retention_days = 400000"),
				ExpectError: regexp.MustCompile(`(?s)log_retention_days.*not a CloudWatch Logs retention period.*365, 400, 545`),
			},
			{
				Config: withRetention(""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "log_group_name", group),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "log_group_arn", groupARN),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "log_retention_days", "365"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "delete_log_group_on_destroy", "false"),
					retention(365),
					func(*terraform.State) error {
						out, found, err := plans.Find(ctx, sfnClient, arn)
						if err != nil || !found {
							return fmt.Errorf("state machine not deployed: %v", err)
						}
						lc := out.LoggingConfiguration
						if lc == nil || lc.Level != sfntypes.LogLevelAll || !lc.IncludeExecutionData || len(lc.Destinations) != 1 ||
							aws.ToString(lc.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn) != groupARN+":*" {
							return fmt.Errorf("logging configuration = %+v", lc)
						}
						// Executions start on the version, which must log too.
						v, err := sfnClient.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + ":1")})
						if err != nil || v.LoggingConfiguration == nil || v.LoggingConfiguration.Level != sfntypes.LogLevelAll {
							return fmt.Errorf("version 1 logging = %+v (%v)", v, err)
						}
						return nil
					},
				),
			},
			{
				Config: withRetention("log_retention_days = 30"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "log_retention_days", "30"),
					retention(30),
				),
			},
			{
				// Retention changed outside Terraform shows as drift.
				PreConfig: func() {
					if _, err := logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(group), RetentionInDays: aws.Int32(7)}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             withRetention("log_retention_days = 30"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: withRetention("log_retention_days = 30"),
				Check:  retention(30),
			},
			{
				// Renaming replaces the plan: the new name logs to its own
				// group, the old name's group stays.
				Config: strings.Replace(withRetention("log_retention_days = 30"), `name        = "shop"`, `name        = "shop2"`, 1),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "log_group_name", "/aws/vendedlogs/states/drsorch-plan-shop2"),
					retention(30),
				),
			},
		},
	})
}

// delete_log_group_on_destroy deletes the trail with the plan.
func TestAccRecoveryPlanDeletesItsLogGroupWhenAsked(t *testing.T) {
	env := acctest.Start(t)
	ctx := context.Background()
	logs := cloudwatchlogs.NewFromConfig(env.Service.AWSConfig(env.Region))
	group := "/aws/vendedlogs/states/drsorch-plan-shop"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			out, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
			if err != nil || len(out.LogGroups) != 0 {
				return fmt.Errorf("log group still there: %+v (%v)", out, err)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig(testRole) + strings.Replace(threeTierPlan(""), `description = "three-tier shop"`,
				`description = "three-tier shop"`+"\n  delete_log_group_on_destroy = true", 1),
			Check: resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "log_group_name", group),
		}},
	})
}
