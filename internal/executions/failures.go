package executions

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
)

// ServerFailure is why DRS failed one source server of a wave, in DRS's
// own words: the job log event that failed it and its raw error text.
type ServerFailure struct {
	Wave           string
	JobID          string
	SourceServerID string
	Event          string // e.g. LAUNCH_FAILED, CONVERSION_FAIL, SNAPSHOT_FAIL
	Error          string // the event's rawError; "" when DRS gave none
}

// Failures lists each source server whose launch FAILED with DRS's error
// for it, read from the wave's job log (DescribeJobLogItems): the last
// event about that server that carries a raw error. Only the jobs of waves
// with a failed server are read.
func Failures(ctx context.Context, api *drs.Client, e *Execution) ([]ServerFailure, error) {
	var out []ServerFailure
	for _, w := range e.Waves {
		var failed []string
		for _, s := range w.Servers {
			if s.LaunchStatus == string(drstypes.LaunchStatusFailed) {
				failed = append(failed, s.SourceServerID)
			}
		}
		if len(failed) == 0 || w.JobID == "" {
			continue
		}
		why := map[string]drstypes.JobLog{}
		pages := drs.NewDescribeJobLogItemsPaginator(api, &drs.DescribeJobLogItemsInput{JobID: aws.String(w.JobID)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("DescribeJobLogItems of job %s: %w", w.JobID, err)
			}
			for _, item := range page.Items {
				if d := item.EventData; d != nil && aws.ToString(d.RawError) != "" {
					why[aws.ToString(d.SourceServerID)] = item
				}
			}
		}
		for _, id := range failed {
			f := ServerFailure{Wave: w.Name, JobID: w.JobID, SourceServerID: id}
			if item, ok := why[id]; ok {
				f.Event, f.Error = string(item.Event), aws.ToString(item.EventData.RawError)
			}
			out = append(out, f)
		}
	}
	return out, nil
}
