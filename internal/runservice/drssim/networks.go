package drssim

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Source networks: a VPC whose configuration DRS replicates so that it can
// be recreated in the recovery region.

type sourceNetwork struct {
	SourceNetworkID   string             `json:"sourceNetworkID"`
	SourceVpcID       string             `json:"sourceVpcID"`
	Arn               string             `json:"arn"`
	Tags              map[string]string  `json:"tags"`
	ReplicationStatus string             `json:"replicationStatus"`
	SourceRegion      string             `json:"sourceRegion"`
	SourceAccountID   string             `json:"sourceAccountID"`
	CfnStackName      string             `json:"cfnStackName,omitempty"`
	LaunchedVpcID     string             `json:"launchedVpcID,omitempty"`
	LastRecovery      *recoveryLifeCycle `json:"lastRecovery,omitempty"`
}

type recoveryLifeCycle struct {
	APICallDateTime    string `json:"apiCallDateTime"`
	JobID              string `json:"jobID"`
	LastRecoveryResult string `json:"lastRecoveryResult"`
}

type sourceNetworkRecord struct {
	Seq     int64         `json:"seq"`
	Network sourceNetwork `json:"network"`
	Protect time.Time     `json:"protectAt,omitempty"` // IN_PROGRESS turns PROTECTED then
}

// networkProtectFor is how long the first replication of a network's
// configuration takes in simulated time.
const networkProtectFor = 10 * time.Minute

var (
	reSourceNetworkID = regexp.MustCompile(`^sn-[0-9a-zA-Z]{17}$`)
	reVpcID           = regexp.MustCompile(`^vpc-[0-9a-fA-F]{8,17}$`)
)

func (e *estate) network(id string) (*sourceNetworkRecord, *awswire.APIError) {
	if err := checkRequiredPattern("sourceNetworkID", id, reSourceNetworkID, "a source network ID (sn- and 17 letters or digits)"); err != nil {
		return nil, err
	}
	for _, n := range e.templates.Networks {
		if n.Network.SourceNetworkID == id {
			return n, nil
		}
	}
	return nil, notFound("SOURCE_NETWORK", id)
}

func (n *sourceNetworkRecord) startReplication(now time.Time) {
	n.Network.ReplicationStatus = "IN_PROGRESS"
	n.Protect = now.Add(networkProtectFor)
}

// advanceNetworks applies the network replications due at now.
func (e *estate) advanceNetworks(now time.Time) {
	for _, n := range e.templates.Networks {
		if n.Network.ReplicationStatus == "IN_PROGRESS" && !n.Protect.IsZero() && !n.Protect.After(now) {
			n.Network.ReplicationStatus = "PROTECTED"
			n.Protect = time.Time{}
			e.dirtyMeta = true
		}
	}
}

// opCreateSourceNetwork adds a source network and starts replicating its
// configuration.
func opCreateSourceNetwork(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		VpcID           string            `json:"vpcID"`
		OriginAccountID string            `json:"originAccountID"`
		OriginRegion    string            `json:"originRegion"`
		Tags            map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkRequiredPattern("vpcID", req.VpcID, reVpcID, "a VPC ID (vpc- and 8 to 17 hex digits)"); err != nil {
		return nil, err
	}
	if err := checkRequiredPattern("originAccountID", req.OriginAccountID, reAccountID, "a 12-digit AWS account ID"); err != nil {
		return nil, err
	}
	if err := checkRequiredPattern("originRegion", req.OriginRegion, reRegion, "an AWS region such as us-east-1"); err != nil {
		return nil, err
	}
	if err := checkTags("tags", req.Tags); err != nil {
		return nil, err
	}
	e := c.e
	for _, n := range e.templates.Networks {
		if n.Network.SourceVpcID == req.VpcID && n.Network.SourceAccountID == req.OriginAccountID && n.Network.SourceRegion == req.OriginRegion {
			return nil, conflict("SOURCE_NETWORK", n.Network.SourceNetworkID, fmt.Sprintf("VPC %s is already source network %s", req.VpcID, n.Network.SourceNetworkID))
		}
	}
	if limit := e.quota(QuotaSourceNetworks); len(e.templates.Networks)+1 > limit {
		q, _ := quotaByCode(QuotaSourceNetworks)
		return nil, quotaExceeded(q, limit, "SOURCE_NETWORK", "", fmt.Sprintf("the account already has %d source networks in %s", len(e.templates.Networks), e.key.Region))
	}
	seq := e.nextSeq()
	id := hashID("sn-", 17, e.key.Account, e.key.Region, "source-network", itoa(seq))
	n := &sourceNetworkRecord{Seq: seq, Network: sourceNetwork{SourceNetworkID: id, SourceVpcID: req.VpcID,
		Arn: arnFor(e.key, "source-network", id), Tags: copyTags(req.Tags), SourceRegion: req.OriginRegion, SourceAccountID: req.OriginAccountID}}
	n.startReplication(c.now)
	e.templates.Networks = append(e.templates.Networks, n)
	e.dirtyMeta = true
	return map[string]any{"sourceNetworkID": id}, nil
}

func opDeleteSourceNetwork(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		SourceNetworkID string `json:"sourceNetworkID"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	n, err := c.e.network(req.SourceNetworkID)
	if err != nil {
		return nil, err
	}
	if st := n.Network.ReplicationStatus; st != "STOPPED" {
		return nil, conflict("SOURCE_NETWORK", n.Network.SourceNetworkID, fmt.Sprintf("source network %s is %s: stop its replication before deleting it", n.Network.SourceNetworkID, st))
	}
	c.e.templates.Networks = slices.DeleteFunc(c.e.templates.Networks, func(x *sourceNetworkRecord) bool { return x == n })
	c.e.dirtyMeta = true
	return nil, nil
}

func opStartSourceNetworkReplication(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		SourceNetworkID string `json:"sourceNetworkID"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	n, err := c.e.network(req.SourceNetworkID)
	if err != nil {
		return nil, err
	}
	if st := n.Network.ReplicationStatus; st != "STOPPED" && st != "ERROR" {
		return nil, conflict("SOURCE_NETWORK", n.Network.SourceNetworkID, fmt.Sprintf("source network %s is %s: it already replicates", n.Network.SourceNetworkID, st))
	}
	n.startReplication(c.now)
	c.e.dirtyMeta = true
	return map[string]any{"sourceNetwork": n.Network}, nil
}

func opStopSourceNetworkReplication(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		SourceNetworkID string `json:"sourceNetworkID"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	n, err := c.e.network(req.SourceNetworkID)
	if err != nil {
		return nil, err
	}
	if n.Network.ReplicationStatus == "STOPPED" {
		return nil, conflict("SOURCE_NETWORK", n.Network.SourceNetworkID, "source network "+n.Network.SourceNetworkID+" does not replicate")
	}
	n.Network.ReplicationStatus = "STOPPED"
	n.Protect = time.Time{}
	c.e.dirtyMeta = true
	return map[string]any{"sourceNetwork": n.Network}, nil
}

func opDescribeSourceNetworks(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		Filters *struct {
			SourceNetworkIDs []string `json:"sourceNetworkIDs"`
			OriginAccountID  *string  `json:"originAccountID"`
			OriginRegion     *string  `json:"originRegion"`
		} `json:"filters"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	match := func(*sourceNetworkRecord) bool { return true }
	if f := req.Filters; f != nil {
		if len(f.SourceNetworkIDs) > 100 {
			return nil, invalidField("filters.sourceNetworkIDs", "lists %d IDs; at most 100 are allowed", len(f.SourceNetworkIDs))
		}
		for i, id := range f.SourceNetworkIDs {
			if err := checkRequiredPattern(fmt.Sprintf("filters.sourceNetworkIDs[%d]", i), id, reSourceNetworkID, "a source network ID (sn- and 17 letters or digits)"); err != nil {
				return nil, err
			}
		}
		if f.OriginAccountID != nil && !reAccountID.MatchString(*f.OriginAccountID) {
			return nil, invalidField("filters.originAccountID", "%q is not a 12-digit account ID", *f.OriginAccountID)
		}
		if f.OriginRegion != nil && !reRegion.MatchString(*f.OriginRegion) {
			return nil, invalidField("filters.originRegion", "%q is not an AWS region", *f.OriginRegion)
		}
		match = func(n *sourceNetworkRecord) bool {
			return (len(f.SourceNetworkIDs) == 0 || slices.Contains(f.SourceNetworkIDs, n.Network.SourceNetworkID)) &&
				(f.OriginAccountID == nil || *f.OriginAccountID == n.Network.SourceAccountID) &&
				(f.OriginRegion == nil || *f.OriginRegion == n.Network.SourceRegion)
		}
	}
	var hits []*sourceNetworkRecord
	for _, n := range c.e.templates.Networks {
		if match(n) {
			hits = append(hits, n)
		}
	}
	from, to, next, err := page("DescribeSourceNetworks", len(hits), func(i int) int64 { return hits[i].Seq }, req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	items := make([]sourceNetwork, 0, to-from)
	for _, n := range hits[from:to] {
		items = append(items, n.Network)
	}
	return listResponse{Items: items, NextToken: next}, nil
}
