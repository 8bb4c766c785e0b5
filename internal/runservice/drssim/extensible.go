package drssim

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// ListExtensibleSourceServers lists the source servers of a staging
// account (another simulated account, same region) that could be extended
// into the caller's account: those not extended here yet
// (CreateExtendedSourceServer).

type stagingSourceServer struct {
	Hostname string            `json:"hostname,omitempty"`
	Arn      string            `json:"arn"`
	Tags     map[string]string `json:"tags"`
	ord      int64
	spec     ServerSpec // for CreateExtendedSourceServer
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
		if r.Server.ReplicationDirection != "FAILOVER" || r.Server.StagingArea.StagingSourceServerArn != "" {
			continue // extensions of other servers are not extensible
		}
		out = append(out, stagingSourceServer{Hostname: r.Server.SourceProperties.IdentificationHints.Hostname,
			Arn: r.Server.Arn, Tags: copyTags(r.Server.Tags), ord: r.Ord, spec: specOf(r)})
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
	extended := map[string]bool{}
	for _, r := range c.e.servers {
		if a := r.Server.StagingArea.StagingSourceServerArn; a != "" {
			extended[a] = true
		}
	}
	var hits []stagingSourceServer
	for _, s := range c.staging {
		if !extended[s.Arn] {
			hits = append(hits, s)
		}
	}
	from, to, next, err := page("ListExtensibleSourceServers", len(hits), func(i int) int64 { return hits[i].ord }, req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	return listResponse{Items: append([]stagingSourceServer{}, hits[from:to]...), NextToken: next}, nil
}

// specOf describes a server for its extension into another account.
func specOf(r *serverRecord) ServerSpec {
	sp := ServerSpec{Hostname: r.Server.SourceProperties.IdentificationHints.Hostname,
		RecommendedInstanceType: r.Server.SourceProperties.RecommendedInstanceType, ReplicationState: r.Server.DataReplicationInfo.DataReplicationState}
	if strings.HasPrefix(r.Server.SourceProperties.OS.FullString, "Microsoft Windows") {
		sp.OS = "WINDOWS"
	}
	for _, d := range r.Server.SourceProperties.Disks {
		sp.Disks = append(sp.Disks, DiskSpec(d))
	}
	return sp
}

// extensionSource reads, before the caller's estate is locked, the
// staging account's server that CreateExtendedSourceServer names.
func (s *Simulator) extensionSource(k estateKey, body []byte) *stagingSourceServer {
	var req struct {
		SourceServerArn string `json:"sourceServerArn"`
	}
	if json.Unmarshal(body, &req) != nil {
		return nil
	}
	m := reDRSArn.FindStringSubmatch(req.SourceServerArn)
	if m == nil || m[3] != "source-server" || m[1] != k.Region || m[2] == k.Account {
		return nil
	}
	fake, _ := json.Marshal(map[string]string{"stagingAccountID": m[2]})
	for _, srv := range s.stagingServers(k, fake) {
		if srv.Arn == req.SourceServerArn {
			return &srv
		}
	}
	return nil
}

func opCreateExtendedSourceServer(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		SourceServerArn string            `json:"sourceServerArn"`
		Tags            map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkTags("tags", req.Tags); err != nil {
		return nil, err
	}
	m := reDRSArn.FindStringSubmatch(req.SourceServerArn)
	if m == nil || m[3] != "source-server" {
		return nil, invalidField("sourceServerArn", "%q is not the ARN of a DRS source server", req.SourceServerArn)
	}
	if m[2] == c.e.key.Account {
		return nil, invalidField("sourceServerArn", "source server %s is in this account: extend servers of a staging account", m[4])
	}
	if m[1] != c.e.key.Region {
		return nil, invalidField("sourceServerArn", "source server %s is in %s: extend servers of the same region (%s)", m[4], m[1], c.e.key.Region)
	}
	src := c.extension
	if src == nil {
		return nil, notFound("SOURCE_SERVER", req.SourceServerArn)
	}
	e := c.e
	for _, r := range e.servers {
		if r.Server.StagingArea.StagingSourceServerArn == src.Arn {
			// CreateExtendedSourceServer models no ConflictException.
			return nil, validationError(reasonOther, fmt.Sprintf("source server %s is already extended into this account as %s", src.Arn, r.Server.SourceServerID))
		}
	}
	if limit := e.quota(QuotaTotalServers); len(e.servers)+1 > limit {
		q, _ := quotaByCode(QuotaTotalServers)
		return nil, quotaExceeded(q, limit, "SOURCE_SERVER", "", fmt.Sprintf("the account already has %d source servers", len(e.servers)))
	}
	spec := src.spec
	spec.SourceServerID = hashID("s-", 17, e.key.Account, e.key.Region, "extended", src.Arn)
	spec.Tags = req.Tags
	r := e.newServer(spec, c.now)
	r.Server.StagingArea = stagingArea{Status: "EXTENDED", StagingAccountID: m[2], StagingSourceServerArn: src.Arn}
	e.addServer(r)
	return map[string]any{"sourceServer": r.view(c.now)}, nil
}
