package executions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// CallerARN is the identity of whoever holds the credentials of api (STS
// GetCallerIdentity): what starts and approvals record, so that the audit
// trail names a principal AWS vouches for instead of what a caller wrote.
func CallerARN(ctx context.Context, api *sts.Client) (string, error) {
	if api == nil {
		return "", errors.New("no STS client to identify the caller")
	}
	out, err := api.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("identify the caller (STS GetCallerIdentity), whom the audit trail records: %w", err)
	}
	if aws.ToString(out.Arn) == "" {
		return "", errors.New("identify the caller: STS GetCallerIdentity returned no ARN")
	}
	return aws.ToString(out.Arn), nil
}

// Approvals reads the approvals of an execution from its history, oldest
// first: the outputs of released pause gates (TaskSucceeded events whose
// output is an approval record). It reads only the history, not DRS, so
// that audit listings stay cheap.
func Approvals(ctx context.Context, api *sfn.Client, arn string) ([]Approval, error) {
	var out []Approval
	pages := sfn.NewGetExecutionHistoryPaginator(api, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, ev := range page.Events {
			if ev.Type != sfntypes.HistoryEventTypeTaskSucceeded || ev.TaskSucceededEventDetails == nil {
				continue
			}
			var raw struct {
				ApprovedBy *string   `json:"approvedBy"`
				ApprovedAt time.Time `json:"approvedAt"`
				Wave       string    `json:"wave"`
				Reason     string    `json:"reason"`
			}
			if json.Unmarshal([]byte(aws.ToString(ev.TaskSucceededEventDetails.Output)), &raw) != nil || raw.ApprovedBy == nil {
				continue
			}
			out = append(out, Approval{ApprovedBy: *raw.ApprovedBy, ApprovedAt: raw.ApprovedAt, Wave: raw.Wave, Reason: raw.Reason})
		}
	}
	return out, nil
}
