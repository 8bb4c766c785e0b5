package drsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
)

// JobAPI is the part of the DRS client the job finder needs.
type JobAPI interface {
	DescribeJobs(context.Context, *drs.DescribeJobsInput, ...func(*drs.Options)) (*drs.DescribeJobsOutput, error)
}

// ActiveJobs returns every job that has not completed (PENDING or
// STARTED), following every page.
func ActiveJobs(ctx context.Context, api JobAPI) ([]types.Job, error) {
	var active []types.Job
	pages := drs.NewDescribeJobsPaginator(api, &drs.DescribeJobsInput{MaxResults: aws.Int32(PageSize)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeJobs: %w", err)
		}
		for _, j := range page.Items {
			if j.Status != types.JobStatusCompleted {
				active = append(active, j)
			}
		}
	}
	return active, nil
}

// ServersInJobs counts the participating servers of jobs.
func ServersInJobs(jobs []types.Job) int {
	n := 0
	for _, j := range jobs {
		n += len(j.ParticipatingServers)
	}
	return n
}
