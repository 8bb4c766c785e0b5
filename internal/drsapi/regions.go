package drsapi

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/drs/types"
	smithy "github.com/aws/smithy-go"
)

// RegionServers are the source servers found in one region.
type RegionServers struct {
	Region  string
	Servers []types.SourceServer
	// Uninitialized: DRS was never initialized in this region, so it holds
	// no servers. Discovery across many regions meets this often; it is
	// reported, not an error.
	Uninitialized bool
}

// ListSourceServersInRegions reads the servers of every region
// concurrently. The result keeps the order of regions; the error names
// each region that failed.
func ListSourceServersInRegions(ctx context.Context, regions []string, apiFor func(region string) SourceServerAPI, ids []string) ([]RegionServers, error) {
	return ListInRegions(ctx, regions, func(ctx context.Context, region string) ([]types.SourceServer, error) {
		return ListSourceServers(ctx, apiFor(region), ids)
	})
}

// ListInRegions is ListSourceServersInRegions with the reading of one
// region left to list (a ServerCache, for one).
func ListInRegions(ctx context.Context, regions []string, list func(ctx context.Context, region string) ([]types.SourceServer, error)) ([]RegionServers, error) {
	out := make([]RegionServers, len(regions))
	errs := make([]error, len(regions))
	var wg sync.WaitGroup
	for i, region := range regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers, err := list(ctx, region)
			out[i] = RegionServers{Region: region, Servers: servers}
			if IsUninitialized(err) {
				out[i].Uninitialized = true
				return
			}
			if err != nil {
				errs[i] = fmt.Errorf("region %s: %w", region, err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// IsUninitialized reports whether err says DRS is not initialized in the
// account and region.
func IsUninitialized(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "UninitializedAccountException"
}
