package drsapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	// Disabled: an opt-in region the account has not enabled, so it holds
	// no servers the credentials can read (see ListInRegions).
	Disabled bool
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
//
// A region is reported Disabled, not failed, only when three things hold:
// it is an opt-in region, it refused the credentials (IsCredentialsRefused),
// and another region of the same read accepted them. The same answer in a
// region enabled by default, or in every region, means bad credentials and
// stays an error.
func ListInRegions(ctx context.Context, regions []string, list func(ctx context.Context, region string) ([]types.SourceServer, error)) ([]RegionServers, error) {
	out := make([]RegionServers, len(regions))
	errs := make([]error, len(regions))
	refused := make([]bool, len(regions))
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
				refused[i] = IsOptIn(region) && IsCredentialsRefused(err)
				errs[i] = fmt.Errorf("region %s: %w", region, err)
			}
		}()
	}
	wg.Wait()
	accepted := slices.Contains(errs, nil)
	for i, region := range regions {
		switch {
		case refused[i] && accepted:
			out[i], errs[i] = RegionServers{Region: region, Disabled: true}, nil
		case refused[i]:
			errs[i] = fmt.Errorf("%w (%s is an opt-in region, but no other region of this read accepted the credentials, so they may be wrong; "+
				"if they work in another region, enable %s in the account or leave it out)", errs[i], region, region)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// IsCredentialsRefused reports whether err is AWS's refusal of the credentials:
// its answer to unknown credentials, and also to any call an account makes
// in an opt-in region it has not enabled. AWS names no distinct error for
// the latter: "If you don't activate the Region in both accounts, you
// receive an InvalidClientTokenId error"
// (https://repost.aws/knowledge-center/iam-validate-access-credentials);
// restJson1 and awsJson services such as DRS answer
// UnrecognizedClientException, "The security token included in the
// request is invalid". Only the context (an opt-in region, credentials
// accepted elsewhere) tells the two apart.
func IsCredentialsRefused(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "UnrecognizedClientException", "InvalidClientTokenId":
		return true
	}
	return false
}

// IsUninitialized reports whether err says DRS is not initialized in the
// account and region.
func IsUninitialized(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "UninitializedAccountException"
}
