package ec2sim

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Launch templates and their versions: the subset of RequestLaunchTemplateData
// a DR team sets on the template DRS keeps for a source server.

type launchTemplate struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Created        time.Time  `json:"created"`
	CreatedBy      string     `json:"createdBy"`
	DefaultVersion int64      `json:"defaultVersion"`
	Versions       []*version `json:"versions"`
	Tags           []tag      `json:"tags,omitempty"`
}

type version struct {
	Number      int64        `json:"number"`
	Description string       `json:"description,omitempty"`
	Created     time.Time    `json:"created"`
	CreatedBy   string       `json:"createdBy"`
	Data        templateData `json:"data"`
}

type templateData struct {
	InstanceType       string         `json:"instanceType,omitempty"`
	ImageID            string         `json:"imageId,omitempty"`
	KeyName            string         `json:"keyName,omitempty"`
	EbsOptimized       *bool          `json:"ebsOptimized,omitempty"`
	IamInstanceProfile *iamProfile    `json:"iamInstanceProfile,omitempty"`
	NetworkInterfaces  []netInterface `json:"networkInterfaces,omitempty"`
	SecurityGroupIDs   []string       `json:"securityGroupIds,omitempty"`
	TagSpecifications  []tagSpec      `json:"tagSpecifications,omitempty"`
}

type iamProfile struct {
	Arn  string `json:"arn,omitempty"`
	Name string `json:"name,omitempty"`
}

type netInterface struct {
	DeviceIndex              *int64   `json:"deviceIndex,omitempty"`
	SubnetID                 string   `json:"subnetId,omitempty"`
	Groups                   []string `json:"groups,omitempty"`
	PrivateIPAddress         string   `json:"privateIpAddress,omitempty"`
	AssociatePublicIPAddress *bool    `json:"associatePublicIpAddress,omitempty"`
	DeleteOnTermination      *bool    `json:"deleteOnTermination,omitempty"`
}

type tagSpec struct {
	ResourceType string `json:"resourceType"`
	Tags         []tag  `json:"tags"`
}

type tag struct {
	Key   string `json:"key" xml:"key"`
	Value string `json:"value" xml:"value"`
}

var (
	reTemplateID = regexp.MustCompile(`^lt-[0-9a-f]{17}$`)
	reSubnetID   = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	reGroupID    = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	reProfileArn = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:instance-profile/[\w+=,.@/-]+$`)
)

// resourceTypes a launch template's TagSpecifications may name.
var tagResourceTypes = map[string]bool{"instance": true, "volume": true, "network-interface": true, "spot-instances-request": true}

// parseTemplateData reads the members of LaunchTemplateData the run
// service supports; a member it does not is refused, not ignored, so that
// a template is never silently stored differently from what was asked.
func parseTemplateData(f form) (templateData, map[string]bool, *awswire.APIError) {
	const p = "LaunchTemplateData."
	set := map[string]bool{}
	var d templateData
	for k := range f {
		rest, ok := strings.CutPrefix(k, p)
		if !ok {
			continue
		}
		top, _, _ := strings.Cut(rest, ".")
		switch top {
		case "InstanceType", "ImageId", "KeyName", "EbsOptimized", "IamInstanceProfile", "NetworkInterface", "SecurityGroupId", "TagSpecification":
			set[top] = true
		default:
			return d, nil, clientError("UnsupportedOperation",
				"the run service's EC2 does not support launch template member %s (supported: InstanceType, ImageId, KeyName, EbsOptimized, IamInstanceProfile, NetworkInterface, SecurityGroupId, TagSpecification)", top)
		}
	}
	d.InstanceType = f.get(p + "InstanceType")
	d.ImageID = f.get(p + "ImageId")
	d.KeyName = f.get(p + "KeyName")
	var err error
	if d.EbsOptimized, err = f.boolOf(p + "EbsOptimized"); err != nil {
		return d, nil, err.(*awswire.APIError)
	}
	if set["IamInstanceProfile"] {
		d.IamInstanceProfile = &iamProfile{Arn: f.get(p + "IamInstanceProfile.Arn"), Name: f.get(p + "IamInstanceProfile.Name")}
		if d.IamInstanceProfile.Arn != "" && !reProfileArn.MatchString(d.IamInstanceProfile.Arn) {
			return d, nil, invalidParameterValue(fmt.Sprintf("Value (%s) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN", d.IamInstanceProfile.Arn))
		}
	}
	for i := 1; i <= f.count(p+"NetworkInterface"); i++ {
		q := fmt.Sprintf("%sNetworkInterface.%d.", p, i)
		ni := netInterface{SubnetID: f.get(q + "SubnetId"), Groups: f.list(q + "SecurityGroupId"), PrivateIPAddress: f.get(q + "PrivateIpAddress")}
		if f.has(q + "DeviceIndex") {
			n, perr := strconv.ParseInt(f.get(q+"DeviceIndex"), 10, 64)
			if perr != nil {
				return d, nil, invalidParameterValue(fmt.Sprintf("Value (%s) for parameter deviceIndex is invalid", f.get(q+"DeviceIndex")))
			}
			ni.DeviceIndex = &n
		}
		if ni.AssociatePublicIPAddress, err = f.boolOf(q + "AssociatePublicIpAddress"); err != nil {
			return d, nil, err.(*awswire.APIError)
		}
		if ni.DeleteOnTermination, err = f.boolOf(q + "DeleteOnTermination"); err != nil {
			return d, nil, err.(*awswire.APIError)
		}
		d.NetworkInterfaces = append(d.NetworkInterfaces, ni)
	}
	d.SecurityGroupIDs = f.list(p + "SecurityGroupId")
	for i := 1; i <= f.count(p+"TagSpecification"); i++ {
		q := fmt.Sprintf("%sTagSpecification.%d.", p, i)
		ts := tagSpec{ResourceType: f.get(q + "ResourceType")}
		if !tagResourceTypes[ts.ResourceType] {
			return d, nil, invalidParameterValue(fmt.Sprintf("'%s' is not a valid taggable resource type for this operation.", ts.ResourceType))
		}
		for j := 1; j <= f.count(q+"Tag"); j++ {
			r := fmt.Sprintf("%sTag.%d.", q, j)
			ts.Tags = append(ts.Tags, tag{Key: f.get(r + "Key"), Value: f.get(r + "Value")})
		}
		d.TagSpecifications = append(d.TagSpecifications, ts)
	}
	return d, set, nil
}

// merge returns base with the members set in the request replaced: a
// version made from a source version inherits what the request leaves out.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html
func (base templateData) merge(d templateData, set map[string]bool) templateData {
	out := base
	if set["InstanceType"] {
		out.InstanceType = d.InstanceType
	}
	if set["ImageId"] {
		out.ImageID = d.ImageID
	}
	if set["KeyName"] {
		out.KeyName = d.KeyName
	}
	if set["EbsOptimized"] {
		out.EbsOptimized = d.EbsOptimized
	}
	if set["IamInstanceProfile"] {
		out.IamInstanceProfile = d.IamInstanceProfile
	}
	if set["NetworkInterface"] {
		out.NetworkInterfaces = d.NetworkInterfaces
	}
	if set["SecurityGroupId"] {
		out.SecurityGroupIDs = d.SecurityGroupIDs
	}
	if set["TagSpecification"] {
		out.TagSpecifications = d.TagSpecifications
	}
	return out
}

// check validates a version's data against the region. EC2 checks subnets,
// groups and addresses only when an instance is launched from the version
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-launch-template.html:
// "parameters are not validated until you launch"); the run service checks
// them when the version is created, the stricter choice, with the errors
// the launch would give.
func (d templateData) check(n *network) *awswire.APIError {
	if d.InstanceType != "" && !n.offers(d.InstanceType) {
		return invalidParameterValue(fmt.Sprintf("Value (%s) for parameter instanceType is invalid. The instance type is not supported in this region (DescribeInstanceTypeOfferings lists the offered types).", d.InstanceType))
	}
	if len(d.NetworkInterfaces) > 0 && len(d.SecurityGroupIDs) > 0 {
		return clientError("InvalidParameterCombination", "Network interfaces and an instance-level security groups may not be specified on the same request")
	}
	if err := checkGroups(n, d.SecurityGroupIDs, ""); err != nil {
		return err
	}
	for _, ni := range d.NetworkInterfaces {
		vpcID := ""
		if ni.SubnetID != "" {
			if !reSubnetID.MatchString(ni.SubnetID) {
				return subnetMalformed(ni.SubnetID)
			}
			s, ok := n.subnet(ni.SubnetID)
			if !ok {
				return subnetNotFound(ni.SubnetID)
			}
			vpcID = s.vpcID
			if ni.PrivateIPAddress != "" {
				a, err := netip.ParseAddr(ni.PrivateIPAddress)
				if err != nil || !a.Is4() {
					return invalidParameterValue(fmt.Sprintf("Value (%s) for parameter privateIpAddress is invalid. Not a valid IPv4 address.", ni.PrivateIPAddress))
				}
				if !s.prefix.Contains(a) {
					return clientError("InvalidParameterValue", "Address %s does not fall within the subnet's address range (%s of %s)", ni.PrivateIPAddress, s.cidr, s.id)
				}
			}
		}
		if err := checkGroups(n, ni.Groups, vpcID); err != nil {
			return err
		}
	}
	return nil
}

func checkGroups(n *network, ids []string, vpcID string) *awswire.APIError {
	for _, id := range ids {
		if !reGroupID.MatchString(id) {
			return groupMalformed(id)
		}
		g, ok := n.group(id)
		if !ok {
			return groupNotFound(id)
		}
		if vpcID != "" && g.vpcID != vpcID {
			return clientError("InvalidParameter", "Security group %s and subnet belong to different networks (%s, %s).", id, g.vpcID, vpcID)
		}
	}
	return nil
}

// resolveVersion turns "$Latest", "$Default" or a number into a version.
func (t *launchTemplate) resolveVersion(v string) (*version, *awswire.APIError) {
	var n int64
	switch v {
	case "$Latest":
		n = t.Versions[len(t.Versions)-1].Number
	case "$Default":
		n = t.DefaultVersion
	default:
		var err error
		if n, err = strconv.ParseInt(v, 10, 64); err != nil || n < 1 {
			return nil, invalidParameterValue(fmt.Sprintf("Value (%s) for parameter version is invalid. Specify a version number, $Latest or $Default.", v))
		}
	}
	for _, x := range t.Versions {
		if x.Number == n {
			return x, nil
		}
	}
	return nil, versionNotFound(t.ID, v)
}

func (t *launchTemplate) latest() int64 { return t.Versions[len(t.Versions)-1].Number }
