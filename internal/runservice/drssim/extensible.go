package drssim

import (
	"encoding/json"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// ListExtensibleSourceServers lists the source servers of a staging
// account (another simulated account, same region) that could be extended
// into the caller's account. The simulator serves no
// CreateExtendedSourceServer, so no server is extended yet: every server
// of the staging account's estate is extensible.

type stagingSourceServer struct {
	Hostname string            `json:"hostname,omitempty"`
	Arn      string            `json:"arn"`
	Tags     map[string]string `json:"tags"`
	ord      int64
}

// stagingServers reads the staging account's servers before the caller's
// estate is locked: estates are never locked two at a time.
func (s *Simulator) stagingServers(k estateKey, body []byte) []stagingSourceServer {
	var req struct {
		StagingAccountID string `json:"stagingAccountID"`
	}
	if json.Unmarshal(body, &req) != nil || !reAccountID.MatchString(req.StagingAccountID) || req.StagingAccountID == k.Account {
		return nil
	}
	s.mu.Lock()
	other, ok := s.estates[estateKey{req.StagingAccountID, k.Region}]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	if !other.initialized {
		return nil
	}
	out := make([]stagingSourceServer, 0, len(other.servers))
	for _, r := range other.servers {
		if r.Server.ReplicationDirection != "FAILOVER" {
			continue
		}
		out = append(out, stagingSourceServer{Hostname: r.Server.SourceProperties.IdentificationHints.Hostname,
			Arn: r.Server.Arn, Tags: copyTags(r.Server.Tags), ord: r.Ord})
	}
	return out
}

func opListExtensibleSourceServers(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		StagingAccountID string `json:"stagingAccountID"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkRequiredPattern("stagingAccountID", req.StagingAccountID, reAccountID, "a 12-digit AWS account ID"); err != nil {
		return nil, err
	}
	if req.StagingAccountID == c.e.key.Account {
		return nil, invalidField("stagingAccountID", "%s is this account: name the staging account whose servers to extend", req.StagingAccountID)
	}
	hits := c.staging
	from, to, next, err := page("ListExtensibleSourceServers", len(hits), func(i int) int64 { return hits[i].ord }, req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	return listResponse{Items: append([]stagingSourceServer{}, hits[from:to]...), NextToken: next}, nil
}
