package drssim

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Launch and replication configuration templates: the account's defaults
// for new source servers (DRS keeps them per account and region).

type launchConfigurationTemplate struct {
	LaunchConfigurationTemplateID       string            `json:"launchConfigurationTemplateID"`
	Arn                                 string            `json:"arn"`
	Tags                                map[string]string `json:"tags"`
	LaunchDisposition                   string            `json:"launchDisposition"`
	TargetInstanceTypeRightSizingMethod string            `json:"targetInstanceTypeRightSizingMethod"`
	CopyPrivateIP                       bool              `json:"copyPrivateIp"`
	CopyTags                            bool              `json:"copyTags"`
	Licensing                           licensing         `json:"licensing"`
	ExportBucketArn                     string            `json:"exportBucketArn,omitempty"`
	PostLaunchEnabled                   bool              `json:"postLaunchEnabled"`
	LaunchIntoSourceInstance            bool              `json:"launchIntoSourceInstance"`
}

type replicationConfigurationTemplate struct {
	ReplicationConfigurationTemplateID string            `json:"replicationConfigurationTemplateID"`
	Arn                                string            `json:"arn"`
	StagingAreaSubnetID                string            `json:"stagingAreaSubnetId"`
	AssociateDefaultSecurityGroup      bool              `json:"associateDefaultSecurityGroup"`
	ReplicationServersSecurityGroupIDs []string          `json:"replicationServersSecurityGroupsIDs"`
	ReplicationServerInstanceType      string            `json:"replicationServerInstanceType"`
	UseDedicatedReplicationServer      bool              `json:"useDedicatedReplicationServer"`
	DefaultLargeStagingDiskType        string            `json:"defaultLargeStagingDiskType"`
	EbsEncryption                      string            `json:"ebsEncryption"`
	EbsEncryptionKeyArn                string            `json:"ebsEncryptionKeyArn,omitempty"`
	BandwidthThrottling                int64             `json:"bandwidthThrottling"`
	DataPlaneRouting                   string            `json:"dataPlaneRouting"`
	CreatePublicIP                     bool              `json:"createPublicIP"`
	StagingAreaTags                    map[string]string `json:"stagingAreaTags"`
	Tags                               map[string]string `json:"tags"`
	PitPolicy                          []pitPolicyRule   `json:"pitPolicy"`
	AutoReplicateNewDisks              bool              `json:"autoReplicateNewDisks"`
	InternetProtocol                   string            `json:"internetProtocol"`
}

type launchTemplateRecord struct {
	Seq      int64                       `json:"seq"`
	Template launchConfigurationTemplate `json:"template"`
	Actions  []launchAction              `json:"actions,omitempty"`
}

type replicationTemplateRecord struct {
	Seq      int64                            `json:"seq"`
	Template replicationConfigurationTemplate `json:"template"`
}

// templateStore is the estate's templates, kept with the estate's
// metadata (there are few of them).
type templateStore struct {
	Launch      []*launchTemplateRecord      `json:"launch,omitempty"`
	Replication []*replicationTemplateRecord `json:"replication,omitempty"`
	Networks    []*sourceNetworkRecord       `json:"networks,omitempty"` // source networks (networks.go)
}

var (
	reLaunchTemplateID      = regexp.MustCompile(`^lct-[0-9a-zA-Z]{17}$`)
	reReplicationTemplateID = regexp.MustCompile(`^rct-[0-9a-zA-Z]{17}$`)
	reARN                   = regexp.MustCompile(`^arn:.{16,}$`)
)

// Bodies that name one template and nothing else (the Delete operations).
type (
	launchTemplateIDRequest struct {
		ID string `json:"launchConfigurationTemplateID"`
	}
	replicationTemplateIDRequest struct {
		ID string `json:"replicationConfigurationTemplateID"`
	}
)

func (r launchTemplateIDRequest) resourceID() string      { return r.ID }
func (r replicationTemplateIDRequest) resourceID() string { return r.ID }

func (e *estate) launchTemplate(id string) (*launchTemplateRecord, *awswire.APIError) {
	if err := checkRequiredPattern("launchConfigurationTemplateID", id, reLaunchTemplateID, "a launch configuration template ID (lct- and 17 letters or digits)"); err != nil {
		return nil, err
	}
	for _, t := range e.templates.Launch {
		if t.Template.LaunchConfigurationTemplateID == id {
			return t, nil
		}
	}
	return nil, notFound("LAUNCH_CONFIGURATION_TEMPLATE", id)
}

func (e *estate) replicationTemplate(id string) (*replicationTemplateRecord, *awswire.APIError) {
	if err := checkRequiredPattern("replicationConfigurationTemplateID", id, reReplicationTemplateID, "a replication configuration template ID (rct- and 17 letters or digits)"); err != nil {
		return nil, err
	}
	for _, t := range e.templates.Replication {
		if t.Template.ReplicationConfigurationTemplateID == id {
			return t, nil
		}
	}
	return nil, notFound("REPLICATION_CONFIGURATION_TEMPLATE", id)
}

// applyLaunchTemplate gives a server added now the account's launch
// configuration template: its launch settings and a copy of its launch
// actions ("The default post-launch actions settings apply to newly added
// source servers",
// https://docs.aws.amazon.com/drs/latest/userguide/post-launch-action-settings-overview.html).
// Servers added earlier keep theirs. With several templates (a raised
// quota L-1F3FAE4D) the first created applies.
func (e *estate) applyLaunchTemplate(r *serverRecord) {
	if len(e.templates.Launch) == 0 {
		return
	}
	t := slices.MinFunc(e.templates.Launch, func(a, b *launchTemplateRecord) int { return cmp.Compare(a.Seq, b.Seq) })
	tpl, lc := t.Template, &r.Launch
	lc.LaunchDisposition, lc.TargetInstanceTypeRightSizingMethod = tpl.LaunchDisposition, tpl.TargetInstanceTypeRightSizingMethod
	lc.CopyPrivateIP, lc.CopyTags, lc.Licensing, lc.PostLaunchEnabled = tpl.CopyPrivateIP, tpl.CopyTags, tpl.Licensing, tpl.PostLaunchEnabled
	r.Actions = slices.Clone(t.Actions)
	for i := range r.Actions {
		r.Actions[i].Parameters = maps.Clone(r.Actions[i].Parameters)
	}
}

// applyReplicationTemplate gives a server added now the account's
// replication configuration template's settings: the template is what the
// DRS console calls the default replication settings, which new source
// servers start from (API_CreateReplicationConfigurationTemplate,
// https://docs.aws.amazon.com/drs/latest/APIReference/API_CreateReplicationConfigurationTemplate.html;
// replication settings, https://docs.aws.amazon.com/drs/latest/userguide/replication-server-settings.html).
// Its disks keep their own staging disk types. Servers added earlier keep
// theirs; with several templates the first created applies, as for launch
// templates.
func (e *estate) applyReplicationTemplate(r *serverRecord) {
	if len(e.templates.Replication) == 0 {
		return
	}
	t := slices.MinFunc(e.templates.Replication, func(a, b *replicationTemplateRecord) int { return cmp.Compare(a.Seq, b.Seq) })
	tpl, rc := t.Template, &r.Replication
	rc.StagingAreaSubnetID, rc.AssociateDefaultSecurityGroup = tpl.StagingAreaSubnetID, tpl.AssociateDefaultSecurityGroup
	rc.ReplicationServersSecurityGroupIDs = slices.Clone(tpl.ReplicationServersSecurityGroupIDs)
	rc.ReplicationServerInstanceType, rc.UseDedicatedReplicationServer = tpl.ReplicationServerInstanceType, tpl.UseDedicatedReplicationServer
	rc.DefaultLargeStagingDiskType, rc.EbsEncryption, rc.EbsEncryptionKeyArn = tpl.DefaultLargeStagingDiskType, tpl.EbsEncryption, tpl.EbsEncryptionKeyArn
	rc.BandwidthThrottling, rc.DataPlaneRouting, rc.CreatePublicIP = tpl.BandwidthThrottling, tpl.DataPlaneRouting, tpl.CreatePublicIP
	rc.StagingAreaTags, rc.PitPolicy = maps.Clone(tpl.StagingAreaTags), slices.Clone(tpl.PitPolicy)
	rc.AutoReplicateNewDisks, rc.InternetProtocol = tpl.AutoReplicateNewDisks, tpl.InternetProtocol
}

func checkRequiredPattern(name, v string, re interface{ MatchString(string) bool }, what string) *awswire.APIError {
	if v == "" {
		return invalidField(name, "is required")
	}
	if !re.MatchString(v) {
		return invalidField(name, "%q is not %s", v, what)
	}
	return nil
}

// launchTemplateFields are the settable members of a launch configuration
// template (Create and Update).
type launchTemplateFields struct {
	LaunchDisposition                   *string    `json:"launchDisposition"`
	TargetInstanceTypeRightSizingMethod *string    `json:"targetInstanceTypeRightSizingMethod"`
	CopyPrivateIP                       *bool      `json:"copyPrivateIp"`
	CopyTags                            *bool      `json:"copyTags"`
	Licensing                           *licensing `json:"licensing"`
	ExportBucketArn                     *string    `json:"exportBucketArn"`
	PostLaunchEnabled                   *bool      `json:"postLaunchEnabled"`
	LaunchIntoSourceInstance            *bool      `json:"launchIntoSourceInstance"`
}

func (f launchTemplateFields) apply(t *launchConfigurationTemplate) *awswire.APIError {
	if v := f.LaunchDisposition; v != nil {
		if err := checkEnumSet("launchDisposition", *v, enumLaunchDisposition); err != nil {
			return err
		}
		t.LaunchDisposition = *v
	}
	if v := f.TargetInstanceTypeRightSizingMethod; v != nil {
		if err := checkEnumSet("targetInstanceTypeRightSizingMethod", *v, enumRightSizing); err != nil {
			return err
		}
		t.TargetInstanceTypeRightSizingMethod = *v
	}
	if v := f.ExportBucketArn; v != nil {
		if err := checkRequiredPattern("exportBucketArn", *v, reARN, "an ARN (of the S3 bucket for exported launch data)"); err != nil {
			return err
		}
		if len(*v) > 2048 {
			return invalidField("exportBucketArn", "is longer than 2048 characters")
		}
		t.ExportBucketArn = *v
	}
	setBool(&t.CopyPrivateIP, f.CopyPrivateIP)
	setBool(&t.CopyTags, f.CopyTags)
	if f.Licensing != nil {
		t.Licensing = *f.Licensing
	}
	setBool(&t.PostLaunchEnabled, f.PostLaunchEnabled)
	setBool(&t.LaunchIntoSourceInstance, f.LaunchIntoSourceInstance)
	return nil
}

func opCreateLaunchConfigurationTemplate(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		launchTemplateFields
		Tags map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkTags("tags", req.Tags); err != nil {
		return nil, err
	}
	e := c.e
	if limit := e.quota(QuotaLaunchTemplates); len(e.templates.Launch)+1 > limit {
		q, _ := quotaByCode(QuotaLaunchTemplates)
		return nil, quotaExceeded(q, limit, "LAUNCH_CONFIGURATION_TEMPLATE", "", fmt.Sprintf("the account already has %d launch configuration templates in %s", len(e.templates.Launch), e.key.Region))
	}
	seq := e.nextSeq()
	id := hashID("lct-", 17, e.key.Account, e.key.Region, "launch-template", itoa(seq))
	t := launchConfigurationTemplate{LaunchConfigurationTemplateID: id, Arn: arnFor(e.key, "launch-configuration-template", id),
		Tags: copyTags(req.Tags), LaunchDisposition: "STARTED", TargetInstanceTypeRightSizingMethod: "BASIC",
		Licensing: licensing{OsByol: true}}
	if err := req.apply(&t); err != nil {
		return nil, err
	}
	e.templates.Launch = append(e.templates.Launch, &launchTemplateRecord{Seq: seq, Template: t})
	e.dirtyMeta = true
	return map[string]any{"launchConfigurationTemplate": t}, nil
}

func opUpdateLaunchConfigurationTemplate(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		launchTemplateFields
		ID string `json:"launchConfigurationTemplateID"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.e.launchTemplate(req.ID)
	if err != nil {
		return nil, err
	}
	t := r.Template
	if err := req.apply(&t); err != nil {
		return nil, err
	}
	r.Template = t
	c.e.dirtyMeta = true
	return map[string]any{"launchConfigurationTemplate": t}, nil
}

func opDeleteLaunchConfigurationTemplate(c *opContext, body []byte) (any, *awswire.APIError) {
	r, err := decodeLookup[launchTemplateIDRequest](body, c.e.launchTemplate)
	if err != nil {
		return nil, err
	}
	c.e.templates.Launch = slices.DeleteFunc(c.e.templates.Launch, func(x *launchTemplateRecord) bool { return x == r })
	c.e.dirtyMeta = true
	return nil, nil
}

// checkTemplateIDs checks a list filter of template IDs.
func checkTemplateIDs(name string, ids []string, re interface{ MatchString(string) bool }, what string) *awswire.APIError {
	if len(ids) > 200 {
		return invalidField(name, "lists %d IDs; at most 200 are allowed", len(ids))
	}
	for i, id := range ids {
		if err := checkRequiredPattern(fmt.Sprintf("%s[%d]", name, i), id, re, what); err != nil {
			return err
		}
	}
	return nil
}

func opDescribeLaunchConfigurationTemplates(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		IDs []string `json:"launchConfigurationTemplateIDs"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkTemplateIDs("launchConfigurationTemplateIDs", req.IDs, reLaunchTemplateID, "a launch configuration template ID"); err != nil {
		return nil, err
	}
	var hits []*launchTemplateRecord
	for _, id := range req.IDs {
		if _, err := c.e.launchTemplate(id); err != nil {
			return nil, err // a named template that does not exist
		}
	}
	for _, t := range c.e.templates.Launch {
		if len(req.IDs) == 0 || slices.Contains(req.IDs, t.Template.LaunchConfigurationTemplateID) {
			hits = append(hits, t)
		}
	}
	return pageOf("DescribeLaunchConfigurationTemplates", req.listRequest, hits, func(t *launchTemplateRecord) int64 { return t.Seq },
		func(t *launchTemplateRecord) launchConfigurationTemplate { return t.Template })
}

// replicationTemplateFields are the settable members of a replication
// configuration template.
type replicationTemplateFields struct {
	StagingAreaSubnetID                *string               `json:"stagingAreaSubnetId"`
	AssociateDefaultSecurityGroup      *bool                 `json:"associateDefaultSecurityGroup"`
	ReplicationServersSecurityGroupIDs *[]string             `json:"replicationServersSecurityGroupsIDs"`
	ReplicationServerInstanceType      *string               `json:"replicationServerInstanceType"`
	UseDedicatedReplicationServer      *bool                 `json:"useDedicatedReplicationServer"`
	DefaultLargeStagingDiskType        *string               `json:"defaultLargeStagingDiskType"`
	EbsEncryption                      *string               `json:"ebsEncryption"`
	EbsEncryptionKeyArn                *string               `json:"ebsEncryptionKeyArn"`
	BandwidthThrottling                *int64                `json:"bandwidthThrottling"`
	DataPlaneRouting                   *string               `json:"dataPlaneRouting"`
	CreatePublicIP                     *bool                 `json:"createPublicIP"`
	StagingAreaTags                    *map[string]string    `json:"stagingAreaTags"`
	PitPolicy                          *[]pitPolicyRuleInput `json:"pitPolicy"`
	AutoReplicateNewDisks              *bool                 `json:"autoReplicateNewDisks"`
	InternetProtocol                   *string               `json:"internetProtocol"`
}

// required reports the first member CreateReplicationConfigurationTemplate
// requires and the request leaves out.
func (f replicationTemplateFields) missing() string {
	switch {
	case f.StagingAreaSubnetID == nil:
		return "stagingAreaSubnetId"
	case f.AssociateDefaultSecurityGroup == nil:
		return "associateDefaultSecurityGroup"
	case f.ReplicationServersSecurityGroupIDs == nil:
		return "replicationServersSecurityGroupsIDs"
	case f.ReplicationServerInstanceType == nil:
		return "replicationServerInstanceType"
	case f.UseDedicatedReplicationServer == nil:
		return "useDedicatedReplicationServer"
	case f.DefaultLargeStagingDiskType == nil:
		return "defaultLargeStagingDiskType"
	case f.EbsEncryption == nil:
		return "ebsEncryption"
	case f.BandwidthThrottling == nil:
		return "bandwidthThrottling"
	case f.DataPlaneRouting == nil:
		return "dataPlaneRouting"
	case f.CreatePublicIP == nil:
		return "createPublicIP"
	case f.StagingAreaTags == nil:
		return "stagingAreaTags"
	case f.PitPolicy == nil:
		return "pitPolicy"
	}
	return ""
}

func (f replicationTemplateFields) apply(t *replicationConfigurationTemplate) *awswire.APIError {
	if v := f.StagingAreaSubnetID; v != nil {
		if err := checkRequiredPattern("stagingAreaSubnetId", *v, reSubnetID, "a subnet ID (subnet- and 8 to 17 lower-case hex digits)"); err != nil {
			return err
		}
		t.StagingAreaSubnetID = *v
	}
	setBool(&t.AssociateDefaultSecurityGroup, f.AssociateDefaultSecurityGroup)
	if v := f.ReplicationServersSecurityGroupIDs; v != nil {
		if len(*v) > 32 {
			return invalidField("replicationServersSecurityGroupsIDs", "lists %d groups; at most 32 are allowed", len(*v))
		}
		for i, sg := range *v {
			if err := checkRequiredPattern(fmt.Sprintf("replicationServersSecurityGroupsIDs[%d]", i), sg, reSecurityGroupID, "a security group ID (sg- and 8 to 17 lower-case hex digits)"); err != nil {
				return err
			}
		}
		t.ReplicationServersSecurityGroupIDs = append([]string{}, *v...)
	}
	if v := f.ReplicationServerInstanceType; v != nil {
		if *v == "" || len(*v) > 255 {
			return invalidField("replicationServerInstanceType", "must be an EC2 instance type such as t3.small")
		}
		t.ReplicationServerInstanceType = *v
	}
	setBool(&t.UseDedicatedReplicationServer, f.UseDedicatedReplicationServer)
	if v := f.DefaultLargeStagingDiskType; v != nil {
		if err := checkEnumSet("defaultLargeStagingDiskType", *v, enumLargeStagingDisk); err != nil {
			return err
		}
		t.DefaultLargeStagingDiskType = *v
	}
	if v := f.EbsEncryption; v != nil {
		if err := checkEnumSet("ebsEncryption", *v, enumEbsEncryption); err != nil {
			return err
		}
		t.EbsEncryption = *v
		if *v != "CUSTOM" && f.EbsEncryptionKeyArn == nil {
			t.EbsEncryptionKeyArn = ""
		}
	}
	if v := f.EbsEncryptionKeyArn; v != nil {
		if err := checkPattern("ebsEncryptionKeyArn", *v, reKMSKeyArn, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)"); err != nil {
			return err
		}
		t.EbsEncryptionKeyArn = *v
	}
	if t.EbsEncryption == "CUSTOM" && t.EbsEncryptionKeyArn == "" {
		return invalidField("ebsEncryptionKeyArn", "is required when ebsEncryption is CUSTOM")
	}
	if t.EbsEncryption != "CUSTOM" && t.EbsEncryptionKeyArn != "" {
		return invalidField("ebsEncryptionKeyArn", "may only be set when ebsEncryption is CUSTOM (it is %s)", t.EbsEncryption)
	}
	if v := f.BandwidthThrottling; v != nil {
		if *v < 0 || *v > 10000 {
			return invalidField("bandwidthThrottling", "%d is out of range: use 0 (no limit) to 10000 Mbps", *v)
		}
		t.BandwidthThrottling = *v
	}
	if v := f.DataPlaneRouting; v != nil {
		if err := checkEnumSet("dataPlaneRouting", *v, enumDataPlaneRouting); err != nil {
			return err
		}
		t.DataPlaneRouting = *v
	}
	setBool(&t.CreatePublicIP, f.CreatePublicIP)
	if v := f.StagingAreaTags; v != nil {
		if err := checkTags("stagingAreaTags", *v); err != nil {
			return err
		}
		t.StagingAreaTags = copyTags(*v)
	}
	if v := f.PitPolicy; v != nil {
		rules := make([]pitPolicyRule, 0, len(*v))
		for _, in := range *v {
			rules = append(rules, in.rule())
		}
		if err := checkPitPolicy(rules); err != nil {
			return err
		}
		t.PitPolicy = rules
	}
	setBool(&t.AutoReplicateNewDisks, f.AutoReplicateNewDisks)
	if v := f.InternetProtocol; v != nil {
		if err := checkEnumSet("internetProtocol", *v, enumInternetProtocol); err != nil {
			return err
		}
		t.InternetProtocol = *v
	}
	return nil
}

func opCreateReplicationConfigurationTemplate(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		replicationTemplateFields
		Tags map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if m := req.missing(); m != "" {
		return nil, invalidField(m, "is required")
	}
	if err := checkTags("tags", req.Tags); err != nil {
		return nil, err
	}
	e := c.e
	seq := e.nextSeq()
	id := hashID("rct-", 17, e.key.Account, e.key.Region, "replication-template", itoa(seq))
	t := replicationConfigurationTemplate{ReplicationConfigurationTemplateID: id, Arn: arnFor(e.key, "replication-configuration-template", id),
		Tags: copyTags(req.Tags), AutoReplicateNewDisks: true, InternetProtocol: "IPV4"}
	if err := req.apply(&t); err != nil {
		return nil, err
	}
	e.templates.Replication = append(e.templates.Replication, &replicationTemplateRecord{Seq: seq, Template: t})
	e.dirtyMeta = true
	return t, nil
}

func opUpdateReplicationConfigurationTemplate(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		replicationTemplateFields
		ID  string  `json:"replicationConfigurationTemplateID"`
		Arn *string `json:"arn"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.e.replicationTemplate(req.ID)
	if err != nil {
		return nil, err
	}
	if req.Arn != nil && *req.Arn != r.Template.Arn {
		return nil, invalidField("arn", "%q is not the ARN of template %s", *req.Arn, req.ID)
	}
	t := r.Template
	t.ReplicationServersSecurityGroupIDs = slices.Clone(t.ReplicationServersSecurityGroupIDs)
	if err := req.apply(&t); err != nil {
		return nil, err
	}
	r.Template = t
	c.e.dirtyMeta = true
	return t, nil
}

func opDeleteReplicationConfigurationTemplate(c *opContext, body []byte) (any, *awswire.APIError) {
	r, err := decodeLookup[replicationTemplateIDRequest](body, c.e.replicationTemplate)
	if err != nil {
		return nil, err
	}
	c.e.templates.Replication = slices.DeleteFunc(c.e.templates.Replication, func(x *replicationTemplateRecord) bool { return x == r })
	c.e.dirtyMeta = true
	return nil, nil
}

func opDescribeReplicationConfigurationTemplates(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		IDs []string `json:"replicationConfigurationTemplateIDs"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkTemplateIDs("replicationConfigurationTemplateIDs", req.IDs, reReplicationTemplateID, "a replication configuration template ID"); err != nil {
		return nil, err
	}
	for _, id := range req.IDs {
		if _, err := c.e.replicationTemplate(id); err != nil {
			return nil, err
		}
	}
	var hits []*replicationTemplateRecord
	for _, t := range c.e.templates.Replication {
		if len(req.IDs) == 0 || slices.Contains(req.IDs, t.Template.ReplicationConfigurationTemplateID) {
			hits = append(hits, t)
		}
	}
	return pageOf("DescribeReplicationConfigurationTemplates", req.listRequest, hits, func(t *replicationTemplateRecord) int64 { return t.Seq },
		func(t *replicationTemplateRecord) replicationConfigurationTemplate { return t.Template })
}
