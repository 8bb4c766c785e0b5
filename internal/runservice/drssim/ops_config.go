package drssim

import (
	"fmt"
	"slices"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

type serverIDRequest struct {
	SourceServerID string `json:"sourceServerID"`
}

func (r serverIDRequest) resourceID() string { return r.SourceServerID }

// decodeLookup decodes a body that names one resource and nothing else
// into Req, then looks that resource up by the ID Req carries. Every
// operation on a single source server, recovery instance, source network
// or template that takes no other member opens this way, so all of them
// report a bad body before a malformed or unknown ID.
func decodeLookup[Req interface{ resourceID() string }, R any](body []byte, lookup func(id string) (R, *awswire.APIError)) (R, *awswire.APIError) {
	var req Req
	if err := decode(body, &req); err != nil {
		var none R
		return none, err
	}
	return lookup(req.resourceID())
}

func (c *opContext) server(id string) (*serverRecord, *awswire.APIError) {
	if err := checkSourceServerID("sourceServerID", id); err != nil {
		return nil, err
	}
	r, ok := c.e.byID[id]
	if !ok {
		return nil, notFound("SOURCE_SERVER", id)
	}
	return r, nil
}

func opGetLaunchConfiguration(c *opContext, body []byte) (any, *awswire.APIError) {
	r, err := decodeLookup[serverIDRequest](body, c.server)
	if err != nil {
		return nil, err
	}
	return r.Launch, nil
}

func opUpdateLaunchConfiguration(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		SourceServerID                      string  `json:"sourceServerID"`
		Name                                *string `json:"name"`
		LaunchDisposition                   *string `json:"launchDisposition"`
		TargetInstanceTypeRightSizingMethod *string `json:"targetInstanceTypeRightSizingMethod"`
		CopyPrivateIP                       *bool   `json:"copyPrivateIp"`
		CopyTags                            *bool   `json:"copyTags"`
		Licensing                           *struct {
			OsByol *bool `json:"osByol"`
		} `json:"licensing"`
		PostLaunchEnabled            *bool `json:"postLaunchEnabled"`
		LaunchIntoInstanceProperties *struct {
			LaunchIntoEC2InstanceID *string `json:"launchIntoEC2InstanceID"`
		} `json:"launchIntoInstanceProperties"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.server(req.SourceServerID)
	if err != nil {
		return nil, err
	}
	lc := r.Launch
	if req.Name != nil {
		if len(*req.Name) > 128 {
			return nil, invalidField("name", "is %d characters long; at most 128 are allowed", len(*req.Name))
		}
		lc.Name = *req.Name
	}
	if v := req.LaunchDisposition; v != nil {
		if err := checkEnumSet("launchDisposition", *v, enumLaunchDisposition); err != nil {
			return nil, err
		}
		lc.LaunchDisposition = *v
	}
	if v := req.TargetInstanceTypeRightSizingMethod; v != nil {
		if err := checkEnumSet("targetInstanceTypeRightSizingMethod", *v, enumRightSizing); err != nil {
			return nil, err
		}
		lc.TargetInstanceTypeRightSizingMethod = *v
	}
	setBool(&lc.CopyPrivateIP, req.CopyPrivateIP)
	setBool(&lc.CopyTags, req.CopyTags)
	setBool(&lc.PostLaunchEnabled, req.PostLaunchEnabled)
	if req.Licensing != nil {
		setBool(&lc.Licensing.OsByol, req.Licensing.OsByol)
	}
	if p := req.LaunchIntoInstanceProperties; p != nil {
		id := ""
		if p.LaunchIntoEC2InstanceID != nil {
			id = *p.LaunchIntoEC2InstanceID
		}
		if err := checkPattern("launchIntoInstanceProperties.launchIntoEC2InstanceID", id, reEC2InstanceID, "an EC2 instance ID (i- and 8 to 17 hex digits)"); err != nil {
			return nil, err
		}
		if id == "" {
			lc.LaunchIntoInstanceProperties = nil
		} else {
			lc.LaunchIntoInstanceProperties = &launchIntoInstanceProperties{LaunchIntoEC2InstanceID: id}
		}
	}
	r.Launch = lc
	c.e.dirtyServers[r.Server.SourceServerID] = true
	return r.Launch, nil
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// checkEnumSet is checkEnum for a member that is present: empty is wrong too.
func checkEnumSet(name, v string, allowed []string) *awswire.APIError {
	if v == "" {
		return invalidField(name, "is empty; use one of %v", allowed)
	}
	return checkEnum(name, v, allowed)
}

func opGetReplicationConfiguration(c *opContext, body []byte) (any, *awswire.APIError) {
	r, err := decodeLookup[serverIDRequest](body, c.server)
	if err != nil {
		return nil, err
	}
	return r.Replication, nil
}

func opUpdateReplicationConfiguration(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		SourceServerID                     string                   `json:"sourceServerID"`
		Name                               *string                  `json:"name"`
		StagingAreaSubnetID                *string                  `json:"stagingAreaSubnetId"`
		AssociateDefaultSecurityGroup      *bool                    `json:"associateDefaultSecurityGroup"`
		ReplicationServersSecurityGroupIDs *[]string                `json:"replicationServersSecurityGroupsIDs"`
		ReplicationServerInstanceType      *string                  `json:"replicationServerInstanceType"`
		UseDedicatedReplicationServer      *bool                    `json:"useDedicatedReplicationServer"`
		DefaultLargeStagingDiskType        *string                  `json:"defaultLargeStagingDiskType"`
		ReplicatedDisks                    *[]replicatedDiskSetting `json:"replicatedDisks"`
		EbsEncryption                      *string                  `json:"ebsEncryption"`
		EbsEncryptionKeyArn                *string                  `json:"ebsEncryptionKeyArn"`
		BandwidthThrottling                *int64                   `json:"bandwidthThrottling"`
		DataPlaneRouting                   *string                  `json:"dataPlaneRouting"`
		CreatePublicIP                     *bool                    `json:"createPublicIP"`
		StagingAreaTags                    *map[string]string       `json:"stagingAreaTags"`
		PitPolicy                          *[]pitPolicyRuleInput    `json:"pitPolicy"`
		AutoReplicateNewDisks              *bool                    `json:"autoReplicateNewDisks"`
		InternetProtocol                   *string                  `json:"internetProtocol"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.server(req.SourceServerID)
	if err != nil {
		return nil, err
	}
	rc := r.Replication
	if req.Name != nil {
		if len(*req.Name) > 128 {
			return nil, invalidField("name", "is %d characters long; at most 128 are allowed", len(*req.Name))
		}
		rc.Name = *req.Name
	}
	if v := req.StagingAreaSubnetID; v != nil {
		if err := checkPattern("stagingAreaSubnetId", *v, reSubnetID, "a subnet ID (subnet- and 8 to 17 lower-case hex digits)"); err != nil {
			return nil, err
		}
		if *v == "" {
			return nil, invalidField("stagingAreaSubnetId", "is empty; name the staging area subnet (subnet-…)")
		}
		rc.StagingAreaSubnetID = *v
	}
	setBool(&rc.AssociateDefaultSecurityGroup, req.AssociateDefaultSecurityGroup)
	if v := req.ReplicationServersSecurityGroupIDs; v != nil {
		if len(*v) > 32 {
			return nil, invalidField("replicationServersSecurityGroupsIDs", "lists %d groups; at most 32 are allowed", len(*v))
		}
		for i, sg := range *v {
			name := fmt.Sprintf("replicationServersSecurityGroupsIDs[%d]", i)
			if sg == "" || !reSecurityGroupID.MatchString(sg) {
				return nil, invalidField(name, "%q is not a security group ID (sg- and 8 to 17 lower-case hex digits)", sg)
			}
		}
		rc.ReplicationServersSecurityGroupIDs = append([]string{}, *v...)
	}
	if v := req.ReplicationServerInstanceType; v != nil {
		if *v == "" || len(*v) > 255 {
			return nil, invalidField("replicationServerInstanceType", "must be an EC2 instance type such as t3.small")
		}
		rc.ReplicationServerInstanceType = *v
	}
	setBool(&rc.UseDedicatedReplicationServer, req.UseDedicatedReplicationServer)
	if v := req.DefaultLargeStagingDiskType; v != nil {
		if err := checkEnumSet("defaultLargeStagingDiskType", *v, enumLargeStagingDisk); err != nil {
			return nil, err
		}
		rc.DefaultLargeStagingDiskType = *v
	}
	if v := req.ReplicatedDisks; v != nil {
		disks, err := checkReplicatedDisks(r, *v)
		if err != nil {
			return nil, err
		}
		rc.ReplicatedDisks = disks
	}
	if v := req.EbsEncryption; v != nil {
		if err := checkEnumSet("ebsEncryption", *v, enumEbsEncryption); err != nil {
			return nil, err
		}
		rc.EbsEncryption = *v
		if *v != "CUSTOM" && req.EbsEncryptionKeyArn == nil {
			rc.EbsEncryptionKeyArn = "" // the key goes with CUSTOM
		}
	}
	if v := req.EbsEncryptionKeyArn; v != nil {
		if err := checkPattern("ebsEncryptionKeyArn", *v, reKMSKeyArn, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)"); err != nil {
			return nil, err
		}
		rc.EbsEncryptionKeyArn = *v
	}
	if rc.EbsEncryption == "CUSTOM" && rc.EbsEncryptionKeyArn == "" {
		return nil, invalidField("ebsEncryptionKeyArn", "is required when ebsEncryption is CUSTOM")
	}
	if rc.EbsEncryption != "CUSTOM" && rc.EbsEncryptionKeyArn != "" {
		return nil, invalidField("ebsEncryptionKeyArn", "may only be set when ebsEncryption is CUSTOM (it is %s)", rc.EbsEncryption)
	}
	if v := req.BandwidthThrottling; v != nil {
		if *v < 0 || *v > 10000 {
			return nil, invalidField("bandwidthThrottling", "%d is out of range: use 0 (no limit) to 10000 Mbps", *v)
		}
		rc.BandwidthThrottling = *v
	}
	if v := req.DataPlaneRouting; v != nil {
		if err := checkEnumSet("dataPlaneRouting", *v, enumDataPlaneRouting); err != nil {
			return nil, err
		}
		rc.DataPlaneRouting = *v
	}
	setBool(&rc.CreatePublicIP, req.CreatePublicIP)
	if v := req.StagingAreaTags; v != nil {
		if err := checkTags("stagingAreaTags", *v); err != nil {
			return nil, err
		}
		rc.StagingAreaTags = copyTags(*v)
	}
	if v := req.PitPolicy; v != nil {
		rules := make([]pitPolicyRule, 0, len(*v))
		for _, in := range *v {
			rules = append(rules, in.rule())
		}
		if err := checkPitPolicy(rules); err != nil {
			return nil, err
		}
		rc.PitPolicy = rules
	}
	setBool(&rc.AutoReplicateNewDisks, req.AutoReplicateNewDisks)
	if v := req.InternetProtocol; v != nil {
		if err := checkEnumSet("internetProtocol", *v, enumInternetProtocol); err != nil {
			return nil, err
		}
		rc.InternetProtocol = *v
	}
	r.Replication = rc
	c.e.dirtyServers[r.Server.SourceServerID] = true
	return r.Replication, nil
}

// IOPS and throughput ranges of the staging disk types that accept them.
var (
	iopsRange       = map[string][2]int64{"GP3": {3000, 16000}, "IO1": {100, 64000}}
	throughputRange = map[string][2]int64{"GP3": {125, 1000}}
)

func checkReplicatedDisks(r *serverRecord, disks []replicatedDiskSetting) ([]replicatedDiskSetting, *awswire.APIError) {
	if len(disks) > 60 {
		return nil, invalidField("replicatedDisks", "lists %d disks; at most 60 are allowed", len(disks))
	}
	seen := map[string]bool{}
	out := make([]replicatedDiskSetting, 0, len(disks))
	for i, d := range disks {
		at := fmt.Sprintf("replicatedDisks[%d]", i)
		known := slices.ContainsFunc(r.Server.SourceProperties.Disks, func(x disk) bool { return x.DeviceName == d.DeviceName })
		if !known {
			return nil, invalidField(at+".deviceName", "%q is not a disk of source server %s", d.DeviceName, r.Server.SourceServerID)
		}
		if seen[d.DeviceName] {
			return nil, invalidField(at+".deviceName", "%q is listed twice", d.DeviceName)
		}
		seen[d.DeviceName] = true
		if d.StagingDiskType == "" {
			d.StagingDiskType = "AUTO"
		}
		if err := checkEnum(at+".stagingDiskType", d.StagingDiskType, enumStagingDisk); err != nil {
			return nil, err
		}
		if err := checkEnum(at+".optimizedStagingDiskType", d.OptimizedStagingDiskType, enumStagingDisk); err != nil {
			return nil, err
		}
		if d.Iops != 0 {
			rg, ok := iopsRange[d.StagingDiskType]
			if !ok {
				return nil, invalidField(at+".iops", "may only be set for staging disk type GP3 or IO1 (it is %s)", d.StagingDiskType)
			}
			if d.Iops < rg[0] || d.Iops > rg[1] {
				return nil, invalidField(at+".iops", "%d is out of range for %s: use %d to %d", d.Iops, d.StagingDiskType, rg[0], rg[1])
			}
		}
		if d.Throughput != 0 {
			rg, ok := throughputRange[d.StagingDiskType]
			if !ok {
				return nil, invalidField(at+".throughput", "may only be set for staging disk type GP3 (it is %s)", d.StagingDiskType)
			}
			if d.Throughput < rg[0] || d.Throughput > rg[1] {
				return nil, invalidField(at+".throughput", "%d MiB/s is out of range for %s: use %d to %d", d.Throughput, d.StagingDiskType, rg[0], rg[1])
			}
		}
		if d.Iops < 0 || d.Throughput < 0 {
			return nil, invalidField(at, "iops and throughput must not be negative")
		}
		if d.OptimizedStagingDiskType == "" {
			d.OptimizedStagingDiskType = d.StagingDiskType
			if d.StagingDiskType == "AUTO" {
				d.OptimizedStagingDiskType = "GP3"
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func checkPitPolicy(rules []pitPolicyRule) *awswire.APIError {
	if len(rules) < 1 || len(rules) > 10 {
		return invalidField("pitPolicy", "has %d rules; use 1 to 10", len(rules))
	}
	ids := map[int64]bool{}
	for i, r := range rules {
		at := fmt.Sprintf("pitPolicy[%d]", i)
		if r.RuleID < 0 {
			return invalidField(at+".ruleID", "%d must not be negative", r.RuleID)
		}
		if ids[r.RuleID] {
			return invalidField(at+".ruleID", "%d is used by another rule; rule IDs must be unique", r.RuleID)
		}
		ids[r.RuleID] = true
		if err := checkEnumSet(at+".units", r.Units, enumPitUnits); err != nil {
			return err
		}
		if r.Interval < 1 {
			return invalidField(at+".interval", "%d must be at least 1", r.Interval)
		}
		if r.RetentionDuration < 1 {
			return invalidField(at+".retentionDuration", "%d must be at least 1", r.RetentionDuration)
		}
	}
	return nil
}

// pitPolicyRuleInput is a PIT rule as sent: a rule that does not say
// whether it is enabled is enabled.
type pitPolicyRuleInput struct {
	RuleID            int64  `json:"ruleID"`
	Units             string `json:"units"`
	Interval          int32  `json:"interval"`
	RetentionDuration int32  `json:"retentionDuration"`
	Enabled           *bool  `json:"enabled"`
}

func (in pitPolicyRuleInput) rule() pitPolicyRule {
	return pitPolicyRule{RuleID: in.RuleID, Units: in.Units, Interval: in.Interval,
		RetentionDuration: in.RetentionDuration, Enabled: in.Enabled == nil || *in.Enabled}
}
