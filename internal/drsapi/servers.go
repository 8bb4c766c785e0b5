// Package drsapi holds the DRS read helpers that the provider, the CLI and
// the run service's clients share: every source server (all pages), the
// active jobs, and the DRS quotas with their usage.
package drsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
)

// PageSize is the largest page DescribeSourceServers and DescribeJobs
// return.
const PageSize = 1000

// maxIDsPerCall is the DRS limit on the sourceServerIDs filter.
const maxIDsPerCall = 200

// SourceServerAPI is the part of the DRS client the server finder needs.
type SourceServerAPI interface {
	DescribeSourceServers(context.Context, *drs.DescribeSourceServersInput, ...func(*drs.Options)) (*drs.DescribeSourceServersOutput, error)
}

// ListSourceServers reads every source server, or only those in ids
// (filtered by DRS itself), following every page of PageSize servers.
func ListSourceServers(ctx context.Context, api SourceServerAPI, ids []string) ([]types.SourceServer, error) {
	if len(ids) == 0 {
		return listSourceServerPages(ctx, api, nil)
	}
	var all []types.SourceServer
	for start := 0; start < len(ids); start += maxIDsPerCall {
		end := min(start+maxIDsPerCall, len(ids))
		servers, err := listSourceServerPages(ctx, api, ids[start:end])
		if err != nil {
			return nil, err
		}
		all = append(all, servers...)
	}
	return all, nil
}

func listSourceServerPages(ctx context.Context, api SourceServerAPI, ids []string) ([]types.SourceServer, error) {
	in := &drs.DescribeSourceServersInput{MaxResults: aws.Int32(PageSize)}
	if len(ids) > 0 {
		in.Filters = &types.DescribeSourceServersRequestFilters{SourceServerIDs: ids}
	}
	var all []types.SourceServer
	pages := drs.NewDescribeSourceServersPaginator(api, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeSourceServers: %w", err)
		}
		all = append(all, page.Items...)
	}
	return all, nil
}

// GetSourceServer reads one source server; found is false when DRS does
// not know the ID.
func GetSourceServer(ctx context.Context, api SourceServerAPI, id string) (server types.SourceServer, found bool, err error) {
	servers, err := ListSourceServers(ctx, api, []string{id})
	if err != nil {
		return types.SourceServer{}, false, err
	}
	for _, s := range servers {
		if aws.ToString(s.SourceServerID) == id {
			return s, true, nil
		}
	}
	return types.SourceServer{}, false, nil
}
