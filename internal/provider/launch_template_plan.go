package provider

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// Plan-time checks of drsorch_launch_template_settings against the
// recovery region, so that a template DRS could not launch from fails the
// plan, on the attribute to change, instead of the next drill.

var (
	instanceTypePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9-]+$`)
	profileNamePattern  = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
)

func checkInstanceType(v string) string {
	if !instanceTypePattern.MatchString(v) {
		return fmt.Sprintf("%q is not an EC2 instance type: write family and size in lower case, e.g. m6i.large", v)
	}
	return ""
}

func checkPrivateIP(v string) string {
	if v == "" {
		return ""
	}
	if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
		return fmt.Sprintf("%q is not an IPv4 address: write it like 10.0.1.25, or \"\" to let EC2 pick one", v)
	}
	return ""
}

func checkProfileName(v string) string {
	if strings.HasPrefix(v, "arn:") {
		return fmt.Sprintf("%q is an ARN: write the instance profile's name (the part after instance-profile/)", v)
	}
	if !profileNamePattern.MatchString(v) {
		return fmt.Sprintf("%q is not an IAM instance profile name: 1 to 128 letters, digits and +=,.@_-", v)
	}
	return ""
}

func checkTagKey(k string) string {
	if strings.HasPrefix(strings.ToLower(k), "aws:") {
		return fmt.Sprintf("tag key %q: the aws: prefix is reserved for AWS", k)
	}
	if strings.HasPrefix(k, drsTagPrefix) {
		return fmt.Sprintf("tag key %q: keys starting with %s belong to DRS", k, drsTagPrefix)
	}
	if k == "" || len(k) > 128 {
		return fmt.Sprintf("tag key %q must have 1 to 128 characters", k)
	}
	return ""
}

func (r *launchTemplateSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.clients == nil {
		return // destroy, or the provider is not configured yet
	}
	var plan, prior launchTemplateSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	checkServerAtPlan(ctx, r.clients, req, plan.SourceServerID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// EC2 is asked only about values new to the template; right-sizing is
	// checked on every plan, since it is changed elsewhere.
	v := regionChecks{ctx: ctx, clients: r.clients, diags: &resp.Diagnostics}
	if known(plan.InstanceType) && !plan.InstanceType.IsNull() {
		if creating || !plan.InstanceType.Equal(prior.InstanceType) {
			v.instanceTypeOffered(plan.InstanceType.ValueString())
		}
	}
	// Only a type the configuration pins conflicts with right-sizing; an
	// adopted one is DRS's own.
	var pinned types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("instance_type"), &pinned)...)
	if !pinned.IsNull() && known(pinned) && known(plan.SourceServerID) {
		v.rightSizingOff(plan.SourceServerID.ValueString(), pinned.ValueString())
	}
	newNetwork := creating || !plan.SubnetID.Equal(prior.SubnetID) || !plan.SecurityGroupIDs.Equal(prior.SecurityGroupIDs) ||
		!plan.PrivateIPAddress.Equal(prior.PrivateIPAddress)
	if newNetwork {
		v.network(plan)
	}
}

func known(v interface{ IsUnknown() bool }) bool { return !v.IsUnknown() }

type regionChecks struct {
	ctx     context.Context
	clients *awsclient.Clients
	diags   *diag.Diagnostics
}

func (v regionChecks) instanceTypeOffered(itype string) {
	if checkInstanceType(itype) != "" {
		return // the attribute validator reports it
	}
	out, err := v.clients.EC2.DescribeInstanceTypeOfferings(v.ctx, &ec2.DescribeInstanceTypeOfferingsInput{
		LocationType: ec2types.LocationTypeRegion,
		Filters:      []ec2types.Filter{{Name: aws.String("instance-type"), Values: []string{itype}}},
	})
	if err != nil {
		addAPIError(v.diags, "check that instance type "+itype+" is offered", err)
		return
	}
	if len(out.InstanceTypeOfferings) == 0 {
		v.diags.AddAttributeError(path.Root("instance_type"), "Instance type not offered in the region",
			fmt.Sprintf("EC2 in %s does not offer %s, so DRS could not launch the recovery instance. Pick a type the region offers "+
				"(aws ec2 describe-instance-type-offerings --region %s --filters Name=instance-type,Values=%s).", v.clients.Region, itype, v.clients.Region, itype))
	}
}

// rightSizingOff: with right-sizing BASIC or IN_AWS, DRS picks the
// instance type at launch and writes it over the template's.
// https://docs.aws.amazon.com/drs/latest/userguide/default-drs-launch-settings.html
func (v regionChecks) rightSizingOff(serverID, itype string) {
	var method string
	if m, ok := plannedRightSizing.Load(rightSizingKey{v.clients, serverID}); ok {
		method = m.(string) // this run's drsorch_launch_settings writes it first
	} else {
		lc, err := v.clients.DRS.GetLaunchConfiguration(v.ctx, &drs.GetLaunchConfigurationInput{SourceServerID: aws.String(serverID)})
		if err != nil {
			if !isNotFound(err) {
				addAPIError(v.diags, "read the DRS launch settings of "+serverID, err)
			}
			return
		}
		method = string(lc.TargetInstanceTypeRightSizingMethod)
	}
	if method != "" && method != "NONE" {
		v.diags.AddAttributeError(path.Root("instance_type"), "DRS right-sizing would replace the instance type",
			fmt.Sprintf("Source server %s has DRS right-sizing %s: at launch DRS picks the instance type itself and overwrites %s in the launch template. "+
				"Set target_instance_type_right_sizing_method = \"NONE\" in the server's drsorch_launch_settings and make this resource depend on it "+
				"(source_server_id = drsorch_launch_settings.<name>.source_server_id), or remove instance_type.",
				serverID, method, itype))
	}
}

// network checks the subnet, the groups and the private IP, together.
func (v regionChecks) network(plan launchTemplateSettingsModel) {
	var subnet *ec2types.Subnet
	if known(plan.SubnetID) && !plan.SubnetID.IsNull() && plan.SubnetID.ValueString() != "" {
		id := plan.SubnetID.ValueString()
		if drssettings.CheckSubnetID(id) == "" {
			out, err := v.clients.EC2.DescribeSubnets(v.ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{id}})
			switch {
			case isEC2Code(err, "InvalidSubnetID.NotFound"):
				v.diags.AddAttributeError(path.Root("subnet_id"), "Unknown subnet",
					fmt.Sprintf("EC2 in %s has no subnet %s. Use a subnet of the recovery region (aws ec2 describe-subnets --region %s).", v.clients.Region, id, v.clients.Region))
			case err != nil:
				addAPIError(v.diags, "look up subnet "+id, err)
			case len(out.Subnets) == 1:
				subnet = &out.Subnets[0]
			}
		}
	}
	if subnet != nil && known(plan.PrivateIPAddress) && plan.PrivateIPAddress.ValueString() != "" {
		ip, err := netip.ParseAddr(plan.PrivateIPAddress.ValueString())
		cidr, perr := netip.ParsePrefix(aws.ToString(subnet.CidrBlock))
		if err == nil && perr == nil && !cidr.Contains(ip) {
			v.diags.AddAttributeError(path.Root("private_ip_address"), "Private IP outside the subnet",
				fmt.Sprintf("%s is not in %s, the range of subnet %s. Pick an address in that range, or \"\" to let EC2 pick one.",
					ip, cidr, aws.ToString(subnet.SubnetId)))
		}
	}
	if !known(plan.SecurityGroupIDs) || plan.SecurityGroupIDs.IsNull() {
		return
	}
	var ids []string
	v.diags.Append(plan.SecurityGroupIDs.ElementsAs(v.ctx, &ids, true)...)
	for _, id := range ids {
		if drssettings.CheckSecurityGroupID(id) != "" {
			return // the attribute validator reports it
		}
	}
	if len(ids) == 0 {
		return
	}
	// One group per call, so that a missing one is named (EC2 names only
	// the first missing group of a call).
	for _, id := range ids {
		out, err := v.clients.EC2.DescribeSecurityGroups(v.ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
		switch {
		case isEC2Code(err, "InvalidGroup.NotFound"):
			v.diags.AddAttributeError(path.Root("security_group_ids"), "Unknown security group",
				fmt.Sprintf("EC2 in %s has no security group %s. Use groups of the recovery region (aws ec2 describe-security-groups --region %s).", v.clients.Region, id, v.clients.Region))
		case err != nil:
			addAPIError(v.diags, "look up security group "+id, err)
		case subnet != nil && len(out.SecurityGroups) == 1 && aws.ToString(out.SecurityGroups[0].VpcId) != aws.ToString(subnet.VpcId):
			v.diags.AddAttributeError(path.Root("security_group_ids"), "Security group of another VPC",
				fmt.Sprintf("Security group %s is in %s, but subnet %s is in %s: an instance's groups must be in its subnet's VPC. "+
					"Use groups of %s, or another subnet.", id, aws.ToString(out.SecurityGroups[0].VpcId), aws.ToString(subnet.SubnetId),
					aws.ToString(subnet.VpcId), aws.ToString(subnet.VpcId)))
		}
	}
}

// Terraform plans a resource after the ones it depends on, in one provider
// process. drsorch_launch_settings notes the right-sizing it plans for a
// server, so that a launch template that depends on it (and is applied
// after it) is checked against the planned value, not DRS's current one.

type rightSizingKey struct {
	clients  *awsclient.Clients
	serverID string
}

var plannedRightSizing sync.Map // rightSizingKey -> planned method

func notePlannedRightSizing(ctx context.Context, clients *awsclient.Clients, plan tfsdk.Plan, id types.String) {
	if clients == nil || !known(id) || id.IsNull() {
		return
	}
	var m types.String
	if d := plan.GetAttribute(ctx, path.Root("target_instance_type_right_sizing_method"), &m); d.HasError() || !known(m) || m.IsNull() {
		return
	}
	plannedRightSizing.Store(rightSizingKey{clients, id.ValueString()}, m.ValueString())
}
