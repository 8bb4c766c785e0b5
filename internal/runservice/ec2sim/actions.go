package ec2sim

import (
	"slices"
	"sort"
	"strconv"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

type action func(c *call) (resp response, changed bool, err *awswire.APIError)

// actions are the EC2 actions the run service serves.
var actions map[string]action

func init() {
	actions = map[string]action{
		"DescribeSubnets":                describeSubnets,
		"DescribeSecurityGroups":         describeSecurityGroups,
		"DescribeInstanceTypeOfferings":  describeInstanceTypeOfferings,
		"DescribeLaunchTemplates":        describeLaunchTemplates,
		"DescribeLaunchTemplateVersions": describeLaunchTemplateVersions,
		"CreateLaunchTemplateVersion":    createLaunchTemplateVersion,
		"ModifyLaunchTemplate":           modifyLaunchTemplate,
		"DescribeInstances":              describeInstances,
	}
}

// Actions lists the served actions, sorted.
func Actions() []string {
	out := make([]string, 0, len(actions))
	for a := range actions {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func asAPIError(err error) *awswire.APIError {
	if err == nil {
		return nil
	}
	if a, ok := err.(*awswire.APIError); ok {
		return a
	}
	return invalidParameterValue(err.Error())
}

// page cuts items by MaxResults and NextToken (an offset).
func page[T any](f form, items []T, limit int) ([]T, string, *awswire.APIError) {
	start := 0
	if tok := f.get("NextToken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", clientError("InvalidNextToken", "The token '%s' is invalid.", tok)
		}
		start = n
	}
	max := limit
	if s := f.get("MaxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 5 || n > limit {
			return nil, "", invalidParameterValue("Value (" + s + ") for parameter maxResults is invalid. Expecting a value between 5 and " + strconv.Itoa(limit) + ".")
		}
		max = n
	}
	end := min(start+max, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

// ---- network

type describeSubnetsResponse struct {
	respMeta
	Subnets   []xmlSubnet `xml:"subnetSet>item"`
	NextToken string      `xml:"nextToken,omitempty"`
}

func describeSubnets(c *call) (response, bool, *awswire.APIError) {
	ids := c.f.list("SubnetId")
	for _, id := range ids {
		if !reSubnetID.MatchString(id) {
			return nil, false, subnetMalformed(id)
		}
		if _, ok := c.e.net.subnet(id); !ok {
			return nil, false, subnetNotFound(id)
		}
	}
	filters := c.f.filters()
	var out []xmlSubnet
	for _, s := range c.e.net.subnets {
		if len(ids) > 0 && !slices.Contains(ids, s.id) {
			continue
		}
		ok, err := matchFilters(filters, func(name string) ([]string, bool) {
			switch name {
			case "subnet-id":
				return []string{s.id}, true
			case "vpc-id":
				return []string{s.vpcID}, true
			case "availability-zone":
				return []string{s.az}, true
			case "cidr-block", "cidr":
				return []string{s.cidr}, true
			case "state":
				return []string{"available"}, true
			}
			return tagFilter(name, map[string]string{"Name": s.name})
		})
		if err != nil {
			return nil, false, asAPIError(err)
		}
		if ok {
			out = append(out, xmlSubnet{SubnetID: s.id, SubnetArn: "arn:aws:ec2:" + c.e.region + ":" + c.e.account + ":subnet/" + s.id,
				State: "available", VpcID: s.vpcID, CidrBlock: s.cidr, AvailableIPAddressCount: 251, AvailabilityZone: s.az,
				OwnerID: c.e.account, Tags: nameTags(s.name)})
		}
	}
	items, next, err := page(c.f, out, 1000)
	if err != nil {
		return nil, false, err
	}
	return &describeSubnetsResponse{Subnets: items, NextToken: next}, false, nil
}

type describeSecurityGroupsResponse struct {
	respMeta
	Groups    []xmlSecurityGroup `xml:"securityGroupInfo>item"`
	NextToken string             `xml:"nextToken,omitempty"`
}

func describeSecurityGroups(c *call) (response, bool, *awswire.APIError) {
	ids := c.f.list("GroupId")
	for _, id := range ids {
		if !reGroupID.MatchString(id) {
			return nil, false, groupMalformed(id)
		}
		if _, ok := c.e.net.group(id); !ok {
			return nil, false, groupNotFound(id)
		}
	}
	names := c.f.list("GroupName")
	filters := c.f.filters()
	var out []xmlSecurityGroup
	for _, g := range c.e.net.groups {
		if len(ids) > 0 && !slices.Contains(ids, g.id) || len(names) > 0 && !slices.Contains(names, g.name) {
			continue
		}
		ok, err := matchFilters(filters, func(name string) ([]string, bool) {
			switch name {
			case "group-id":
				return []string{g.id}, true
			case "group-name":
				return []string{g.name}, true
			case "vpc-id":
				return []string{g.vpcID}, true
			case "description":
				return []string{g.description}, true
			}
			return tagFilter(name, map[string]string{"Name": g.name})
		})
		if err != nil {
			return nil, false, asAPIError(err)
		}
		if ok {
			out = append(out, xmlSecurityGroup{GroupID: g.id, GroupName: g.name, Description: g.description, VpcID: g.vpcID, OwnerID: c.e.account,
				SecurityGroupArn: "arn:aws:ec2:" + c.e.region + ":" + c.e.account + ":security-group/" + g.id, Tags: nameTags(g.name)})
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(out, func(x xmlSecurityGroup) bool { return x.GroupName == n }) {
			return nil, false, clientError("InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC", n)
		}
	}
	items, next, err := page(c.f, out, 1000)
	if err != nil {
		return nil, false, err
	}
	return &describeSecurityGroupsResponse{Groups: items, NextToken: next}, false, nil
}

type xmlOffering struct {
	InstanceType string `xml:"instanceType"`
	LocationType string `xml:"locationType"`
	Location     string `xml:"location"`
}

type describeInstanceTypeOfferingsResponse struct {
	respMeta
	Offerings []xmlOffering `xml:"instanceTypeOfferingSet>item"`
	NextToken string        `xml:"nextToken,omitempty"`
}

func describeInstanceTypeOfferings(c *call) (response, bool, *awswire.APIError) {
	locType := c.f.get("LocationType")
	if locType == "" {
		locType = "region"
	}
	var locations []string
	switch locType {
	case "region":
		locations = []string{c.e.region}
	case "availability-zone":
		seen := map[string]bool{}
		for _, s := range c.e.net.subnets {
			if !seen[s.az] {
				seen[s.az] = true
				locations = append(locations, s.az)
			}
		}
		sort.Strings(locations)
	default:
		return nil, false, invalidParameterValue("Value (" + locType + ") for parameter locationType is invalid. Valid values: region, availability-zone")
	}
	filters := c.f.filters()
	var out []xmlOffering
	for _, loc := range locations {
		for _, t := range c.e.net.instanceTypes {
			ok, err := matchFilters(filters, func(name string) ([]string, bool) {
				switch name {
				case "instance-type":
					return []string{t}, true
				case "location":
					return []string{loc}, true
				}
				return nil, false
			})
			if err != nil {
				return nil, false, asAPIError(err)
			}
			if ok {
				out = append(out, xmlOffering{InstanceType: t, LocationType: locType, Location: loc})
			}
		}
	}
	items, next, err := page(c.f, out, 1000)
	if err != nil {
		return nil, false, err
	}
	return &describeInstanceTypeOfferingsResponse{Offerings: items, NextToken: next}, false, nil
}
