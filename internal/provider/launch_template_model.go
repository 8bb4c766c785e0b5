package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The EC2 launch template DRS keeps for a source server, as the settings a
// DR team sets on it: read from the default version, written as a new
// version made from it that changes only the configured members.

type launchTemplateSettingsModel struct {
	regional                              // region: regional.go
	ID                       types.String `tfsdk:"id"`
	SourceServerID           types.String `tfsdk:"source_server_id"`
	LaunchTemplateID         types.String `tfsdk:"launch_template_id"`
	InstanceType             types.String `tfsdk:"instance_type"`
	SubnetID                 types.String `tfsdk:"subnet_id"`
	SecurityGroupIDs         types.Set    `tfsdk:"security_group_ids"`
	PrivateIPAddress         types.String `tfsdk:"private_ip_address"`
	AssociatePublicIPAddress types.Bool   `tfsdk:"associate_public_ip_address"`
	IAMInstanceProfileName   types.String `tfsdk:"iam_instance_profile_name"`
	Tags                     types.Map    `tfsdk:"tags"`
	DefaultVersion           types.Int64  `tfsdk:"default_version"`
	RestoreVersion           types.Int64  `tfsdk:"restore_version"`
	Timeouts                 types.Object `tfsdk:"timeouts"`
}

// drsTagPrefix marks the instance tags DRS writes into the template (the
// source server ID): DRS owns them, so they are kept and not shown.
const drsTagPrefix = "AWSElasticDisasterRecovery"

// templateSettings are the managed members of one template version.
type templateSettings struct {
	instanceType, subnetID, privateIP, profile string
	groups                                     []string
	publicIP                                   bool
	tags                                       map[string]string
}

// primaryInterface is the interface at device index 0, where DRS puts
// the recovery instance's network settings.
func primaryInterface(d *ec2types.ResponseLaunchTemplateData) (ec2types.LaunchTemplateInstanceNetworkInterfaceSpecification, bool) {
	for _, ni := range d.NetworkInterfaces {
		if aws.ToInt32(ni.DeviceIndex) == 0 {
			return ni, true
		}
	}
	return ec2types.LaunchTemplateInstanceNetworkInterfaceSpecification{}, false
}

func settingsOf(d *ec2types.ResponseLaunchTemplateData) templateSettings {
	s := templateSettings{instanceType: string(d.InstanceType), tags: map[string]string{}, groups: []string{}}
	if ni, ok := primaryInterface(d); ok {
		s.subnetID, s.privateIP, s.publicIP = aws.ToString(ni.SubnetId), aws.ToString(ni.PrivateIpAddress), aws.ToBool(ni.AssociatePublicIpAddress)
		s.groups = append(s.groups, ni.Groups...)
	} else {
		s.groups = append(s.groups, d.SecurityGroupIds...)
	}
	if p := d.IamInstanceProfile; p != nil {
		s.profile = aws.ToString(p.Name)
		if s.profile == "" {
			arn := aws.ToString(p.Arn)
			s.profile = arn[strings.LastIndex(arn, "/")+1:]
		}
	}
	for _, ts := range d.TagSpecifications {
		if ts.ResourceType != ec2types.ResourceTypeInstance {
			continue
		}
		for _, t := range ts.Tags {
			if !strings.HasPrefix(aws.ToString(t.Key), drsTagPrefix) {
				s.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
		}
	}
	slices.Sort(s.groups)
	return s
}

func (s templateSettings) model(ctx context.Context, serverID, templateID string, defaultVersion int64, diags *diag.Diagnostics) launchTemplateSettingsModel {
	groups, d := types.SetValueFrom(ctx, types.StringType, s.groups)
	diags.Append(d...)
	tags, d := types.MapValueFrom(ctx, types.StringType, s.tags)
	diags.Append(d...)
	return launchTemplateSettingsModel{
		ID: types.StringValue(serverID), SourceServerID: types.StringValue(serverID), LaunchTemplateID: types.StringValue(templateID),
		InstanceType: types.StringValue(s.instanceType), SubnetID: types.StringValue(s.subnetID), SecurityGroupIDs: groups,
		PrivateIPAddress: types.StringValue(s.privateIP), AssociatePublicIPAddress: types.BoolValue(s.publicIP),
		IAMInstanceProfileName: types.StringValue(s.profile), Tags: tags, DefaultVersion: types.Int64Value(defaultVersion),
	}
}

// requestData is the LaunchTemplateData of a new version made from cur:
// only the members whose configured value differs, each one whole (EC2
// replaces a member, such as the network interfaces, as a unit). It is
// nil when nothing changes.
func requestData(ctx context.Context, cfg launchTemplateSettingsModel, cur *ec2types.ResponseLaunchTemplateData, diags *diag.Diagnostics) *ec2types.RequestLaunchTemplateData {
	have := settingsOf(cur)
	want := have
	if configured(cfg.InstanceType) {
		want.instanceType = cfg.InstanceType.ValueString()
	}
	if configured(cfg.SubnetID) {
		want.subnetID = cfg.SubnetID.ValueString()
	}
	if configured(cfg.PrivateIPAddress) {
		want.privateIP = cfg.PrivateIPAddress.ValueString()
	}
	if configured(cfg.AssociatePublicIPAddress) {
		want.publicIP = cfg.AssociatePublicIPAddress.ValueBool()
	}
	if configured(cfg.IAMInstanceProfileName) {
		want.profile = cfg.IAMInstanceProfileName.ValueString()
	}
	if configured(cfg.SecurityGroupIDs) {
		want.groups = nil
		diags.Append(cfg.SecurityGroupIDs.ElementsAs(ctx, &want.groups, false)...)
		slices.Sort(want.groups)
	}
	if configured(cfg.Tags) {
		want.tags = map[string]string{}
		diags.Append(cfg.Tags.ElementsAs(ctx, &want.tags, false)...)
	}
	out := &ec2types.RequestLaunchTemplateData{}
	changed := false
	if want.instanceType != have.instanceType {
		out.InstanceType, changed = ec2types.InstanceType(want.instanceType), true
	}
	if want.profile != have.profile && want.profile != "" {
		out.IamInstanceProfile, changed = &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String(want.profile)}, true
	}
	if want.subnetID != have.subnetID || want.privateIP != have.privateIP || want.publicIP != have.publicIP || !slices.Equal(want.groups, have.groups) {
		out.NetworkInterfaces, changed = interfacesWith(cur, want), true
	}
	if !mapsEqual(want.tags, have.tags) {
		out.TagSpecifications, changed = tagSpecsWith(cur, want.tags), true
	}
	if !changed {
		return nil
	}
	return out
}

// interfacesWith copies the current interfaces and sets the primary one's
// network settings (adding it when the template has none).
func interfacesWith(cur *ec2types.ResponseLaunchTemplateData, want templateSettings) []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest {
	var out []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest
	primary := -1
	for _, ni := range cur.NetworkInterfaces {
		if aws.ToInt32(ni.DeviceIndex) == 0 {
			primary = len(out)
		}
		out = append(out, ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{
			DeviceIndex: ni.DeviceIndex, SubnetId: ni.SubnetId, Groups: ni.Groups, PrivateIpAddress: ni.PrivateIpAddress,
			AssociatePublicIpAddress: ni.AssociatePublicIpAddress, DeleteOnTermination: ni.DeleteOnTermination,
			Description: ni.Description, InterfaceType: ni.InterfaceType, NetworkCardIndex: ni.NetworkCardIndex,
			SecondaryPrivateIpAddressCount: ni.SecondaryPrivateIpAddressCount,
		})
	}
	if primary < 0 {
		primary = len(out)
		out = append(out, ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{DeviceIndex: aws.Int32(0), DeleteOnTermination: aws.Bool(true)})
	}
	p := &out[primary]
	p.SubnetId, p.Groups, p.AssociatePublicIpAddress = nilIfEmpty(want.subnetID), want.groups, aws.Bool(want.publicIP)
	p.PrivateIpAddress = nilIfEmpty(want.privateIP)
	return out
}

// tagSpecsWith keeps every tag specification but the instance's, whose
// tags become DRS's own plus want.
func tagSpecsWith(cur *ec2types.ResponseLaunchTemplateData, want map[string]string) []ec2types.LaunchTemplateTagSpecificationRequest {
	var out []ec2types.LaunchTemplateTagSpecificationRequest
	instance := []ec2types.Tag{}
	for _, ts := range cur.TagSpecifications {
		if ts.ResourceType != ec2types.ResourceTypeInstance {
			out = append(out, ec2types.LaunchTemplateTagSpecificationRequest{ResourceType: ts.ResourceType, Tags: ts.Tags})
			continue
		}
		for _, t := range ts.Tags {
			if strings.HasPrefix(aws.ToString(t.Key), drsTagPrefix) {
				instance = append(instance, t)
			}
		}
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		instance = append(instance, ec2types.Tag{Key: aws.String(k), Value: aws.String(want[k])})
	}
	if len(instance) > 0 {
		out = append(out, ec2types.LaunchTemplateTagSpecificationRequest{ResourceType: ec2types.ResourceTypeInstance, Tags: instance})
	}
	return out
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
