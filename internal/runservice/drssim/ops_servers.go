package drssim

import (
	"fmt"
	"slices"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

func opInitializeService(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct{}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if !c.e.initialized {
		c.e.initialized = true
		c.e.dirtyMeta = true
	}
	return nil, nil
}

type listRequest struct {
	MaxResults *int32  `json:"maxResults"`
	NextToken  *string `json:"nextToken"`
}

type listResponse struct {
	Items     any     `json:"items"`
	NextToken *string `json:"nextToken,omitempty"`
}

func opDescribeSourceServers(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		Filters *struct {
			SourceServerIDs   []string `json:"sourceServerIDs"`
			HardwareID        *string  `json:"hardwareId"`
			StagingAccountIDs []string `json:"stagingAccountIDs"`
		} `json:"filters"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	match := func(*serverRecord) bool { return true }
	if f := req.Filters; f != nil {
		if len(f.SourceServerIDs) > 200 {
			return nil, invalidField("filters.sourceServerIDs", "lists %d IDs; at most 200 are allowed", len(f.SourceServerIDs))
		}
		for i, id := range f.SourceServerIDs {
			if err := checkSourceServerID(fmt.Sprintf("filters.sourceServerIDs[%d]", i), id); err != nil {
				return nil, err
			}
		}
		if len(f.StagingAccountIDs) > 200 {
			return nil, invalidField("filters.stagingAccountIDs", "lists %d IDs; at most 200 are allowed", len(f.StagingAccountIDs))
		}
		for i, a := range f.StagingAccountIDs {
			if !reAccountID.MatchString(a) {
				return nil, invalidField(fmt.Sprintf("filters.stagingAccountIDs[%d]", i), "%q is not a 12-digit account ID", a)
			}
		}
		if f.HardwareID != nil && len(*f.HardwareID) > 256 {
			return nil, invalidField("filters.hardwareId", "is longer than 256 characters")
		}
		match = func(r *serverRecord) bool {
			if len(f.SourceServerIDs) > 0 && !slices.Contains(f.SourceServerIDs, r.Server.SourceServerID) {
				return false
			}
			if len(f.StagingAccountIDs) > 0 && !slices.Contains(f.StagingAccountIDs, r.Server.StagingArea.StagingAccountID) {
				return false // only extended servers replicate through a staging account
			}
			if f.HardwareID != nil && *f.HardwareID != "" && !r.hasHardwareID(*f.HardwareID) {
				return false
			}
			return true
		}
	}
	var hits []*serverRecord
	for _, r := range c.e.servers {
		if match(r) {
			hits = append(hits, r)
		}
	}
	from, to, next, err := page("DescribeSourceServers", len(hits), func(i int) int64 { return hits[i].Ord }, req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	items := make([]sourceServer, 0, to-from)
	for _, r := range hits[from:to] {
		items = append(items, r.view(c.now))
	}
	return listResponse{Items: items, NextToken: next}, nil
}

// hardwareId matches the server's EC2 instance ID, VMware UUID or a MAC.
func (r *serverRecord) hasHardwareID(id string) bool {
	h := r.Server.SourceProperties.IdentificationHints
	if id == h.AwsInstanceID {
		return true
	}
	for _, n := range r.Server.SourceProperties.NetworkInterfaces {
		if n.MacAddress == id {
			return true
		}
	}
	return false
}

// view is the server as DescribeSourceServers shows it at now.
func (r *serverRecord) view(now time.Time) sourceServer {
	v := r.Server
	if !r.Disconnected {
		v.DataReplicationInfo.LagDuration = fmt.Sprintf("PT%dS", r.LagSeconds)
	}
	if v.DataReplicationInfo.DataReplicationState == "INITIAL_SYNC" {
		v.DataReplicationInfo.EtaDateTime = formatTime(now.Add(2 * time.Hour))
	}
	if r.Server.LifeCycle.FirstByteDateTime != "" {
		v.LifeCycle.ElapsedReplicationDuration = fmt.Sprintf("PT%dS", int64(now.Sub(r.AddedAt).Seconds()))
	}
	seen := now
	if st := v.DataReplicationInfo.DataReplicationState; st == "DISCONNECTED" || st == "STALLED" {
		seen = now.Add(-time.Duration(r.LagSeconds) * time.Second)
	}
	v.LifeCycle.LastSeenByServiceDateTime = formatTime(seen)
	if v.LifeCycle.LastLaunch != nil {
		ll := *v.LifeCycle.LastLaunch
		v.LifeCycle.LastLaunch = &ll
	}
	return v
}

func opListStagingAccounts(c *opContext, body []byte) (any, *awswire.APIError) {
	var req listRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if _, err := checkMaxResults(req.MaxResults, modelMaxResults["ListStagingAccounts"]); err != nil {
		return nil, err
	}
	return map[string]any{"accounts": []any{}}, nil
}
