package plans

import (
	"fmt"
	"slices"
	"strings"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// LogGroupPrefix starts the name of every plan's log group. Step Functions
// advises log groups under /aws/vendedlogs/ (the console uses
// /aws/vendedlogs/states/) so that enabling logging never outgrows the
// 5,120-character CloudWatch Logs resource policy
// (https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html).
const LogGroupPrefix = "/aws/vendedlogs/states/"

// DefaultLogRetentionDays keeps the audit trail for a year, four times as
// long as Step Functions keeps an execution's history (90 days).
const DefaultLogRetentionDays = 365

// LogRetentionDays are the values CloudWatch Logs' PutRetentionPolicy
// accepts (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
var LogRetentionDays = []int64{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// ValidateLogRetention says which values are allowed when days is not one.
func ValidateLogRetention(days int64) error {
	if slices.Contains(LogRetentionDays, days) {
		return nil
	}
	s := make([]string, len(LogRetentionDays))
	for i, d := range LogRetentionDays {
		s[i] = fmt.Sprint(d)
	}
	return fmt.Errorf("%d days is not a CloudWatch Logs retention period; use one of %s", days, strings.Join(s, ", "))
}

// LogGroupName is the log group a plan's state machine logs to. It is named
// for the plan, not for one state machine, so a plan destroyed and created
// again under its name continues the same trail.
func LogGroupName(plan string) string { return LogGroupPrefix + StateMachineName(plan) }

// LogGroupARN is the log group's ARN as Step Functions wants it in a
// logging configuration: ending with ":*"
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CloudWatchLogsLogGroup.html).
func LogGroupARN(partition, region, account, plan string) string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s:*", partition, region, account, LogGroupName(plan))
}

// LoggingConfiguration logs every event with its input and output, so that
// the execution (waves, approvals, outcome) can be rebuilt from the log
// group after Step Functions has forgotten it.
func LoggingConfiguration(logGroupARN string) *sfntypes.LoggingConfiguration {
	return &sfntypes.LoggingConfiguration{
		Level:                sfntypes.LogLevelAll,
		IncludeExecutionData: true,
		Destinations: []sfntypes.LogDestination{{
			CloudWatchLogsLogGroup: &sfntypes.CloudWatchLogsLogGroup{LogGroupArn: &logGroupARN},
		}},
	}
}

// PlanOfExecution is the plan name in an execution ARN
// (arn:<partition>:states:<region>:<account>:execution:drsorch-plan-<name>:<execution>).
func PlanOfExecution(executionARN string) (string, bool) {
	parts := strings.Split(executionARN, ":")
	if len(parts) < 8 || parts[5] != "execution" {
		return "", false
	}
	return PlanName(parts[6])
}
