package ec2sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
)

// The recovery region's network and instance types, as an estate's "ec2"
// section of the inventory describes them, or a default one.

// NetworkSpec is the "ec2" section of an inventory estate.
type NetworkSpec struct {
	VPCs           []VPCSpec           `json:"vpcs"`
	Subnets        []SubnetSpec        `json:"subnets"`
	SecurityGroups []SecurityGroupSpec `json:"securityGroups"`
	// InstanceTypes are the types offered in the region; others are not.
	InstanceTypes []string `json:"instanceTypes"`
}

// VPCSpec is a VPC; Name is its Name tag and the handle others refer to.
type VPCSpec struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	CIDR string `json:"cidr"`
}

// SubnetSpec is a subnet of the VPC named VPC.
type SubnetSpec struct {
	ID               string `json:"id,omitempty"`
	Name             string `json:"name"`
	VPC              string `json:"vpc"`
	CIDR             string `json:"cidr"`
	AvailabilityZone string `json:"availabilityZone,omitempty"` // default: the region's "a" zone
}

// SecurityGroupSpec is a security group of the VPC named VPC.
type SecurityGroupSpec struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	VPC         string `json:"vpc"`
	Description string `json:"description,omitempty"`
}

// DefaultNetwork is the network of an estate without an "ec2" section: a
// recovery VPC with two subnets and two groups, and an isolated VPC (to
// try subnets and groups of different VPCs).
func DefaultNetwork(region string) NetworkSpec {
	return NetworkSpec{
		VPCs: []VPCSpec{{Name: "recovery", CIDR: "10.20.0.0/16"}, {Name: "isolated", CIDR: "10.99.0.0/16"}},
		Subnets: []SubnetSpec{
			{Name: "recovery-a", VPC: "recovery", CIDR: "10.20.1.0/24", AvailabilityZone: region + "a"},
			{Name: "recovery-b", VPC: "recovery", CIDR: "10.20.2.0/24", AvailabilityZone: region + "b"},
			{Name: "isolated-a", VPC: "isolated", CIDR: "10.99.1.0/24", AvailabilityZone: region + "a"},
		},
		SecurityGroups: []SecurityGroupSpec{
			{Name: "default", VPC: "recovery", Description: "default VPC security group"},
			{Name: "recovery-app", VPC: "recovery", Description: "recovered application servers"},
			{Name: "isolated-default", VPC: "isolated", Description: "default VPC security group"},
		},
		InstanceTypes: []string{
			"t3.micro", "t3.small", "t3.medium", "t3.large", "t3.xlarge",
			"m5.large", "m5.xlarge", "m5.2xlarge", "m6i.large", "m6i.xlarge", "m6i.2xlarge",
			"c5.large", "c5.xlarge", "c6i.large", "c6i.xlarge", "r5.large", "r5.xlarge", "r6i.large", "r6i.xlarge",
		},
	}
}

// ParseNetwork reads an "ec2" section strictly (unknown fields are errors).
func ParseNetwork(raw json.RawMessage) (NetworkSpec, error) {
	var spec NetworkSpec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		return spec, fmt.Errorf("ec2: %w", err)
	}
	return spec, nil
}

// network is the resolved network of one estate.
type network struct {
	vpcs          []vpc
	subnets       []subnet
	groups        []securityGroup
	instanceTypes []string
}

type vpc struct{ id, name, cidr string }

type subnet struct {
	id, name, vpcID, cidr, az string
	prefix                    netip.Prefix
}

type securityGroup struct{ id, name, vpcID, description string }

// resolve checks a spec and gives every object its ID (from the spec, or
// derived from account, region and name so that it is stable).
func (spec NetworkSpec) resolve(account, region string) (*network, error) {
	n := &network{instanceTypes: slices.Clone(spec.InstanceTypes)}
	vpcByName := map[string]vpc{}
	for _, v := range spec.VPCs {
		if _, err := netip.ParsePrefix(v.CIDR); err != nil {
			return nil, fmt.Errorf("ec2: vpc %q: cidr %q: %w", v.Name, v.CIDR, err)
		}
		id := v.ID
		if id == "" {
			id = stableID("vpc-", account, region, "vpc", v.Name)
		}
		x := vpc{id: id, name: v.Name, cidr: v.CIDR}
		vpcByName[v.Name] = x
		n.vpcs = append(n.vpcs, x)
	}
	for _, s := range spec.Subnets {
		v, ok := vpcByName[s.VPC]
		if !ok {
			return nil, fmt.Errorf("ec2: subnet %q names vpc %q, which the section does not define", s.Name, s.VPC)
		}
		p, err := netip.ParsePrefix(s.CIDR)
		if err != nil {
			return nil, fmt.Errorf("ec2: subnet %q: cidr %q: %w", s.Name, s.CIDR, err)
		}
		id, az := s.ID, s.AvailabilityZone
		if id == "" {
			id = stableID("subnet-", account, region, "subnet", s.Name)
		}
		if az == "" {
			az = region + "a"
		}
		n.subnets = append(n.subnets, subnet{id: id, name: s.Name, vpcID: v.id, cidr: s.CIDR, az: az, prefix: p})
	}
	for _, g := range spec.SecurityGroups {
		v, ok := vpcByName[g.VPC]
		if !ok {
			return nil, fmt.Errorf("ec2: security group %q names vpc %q, which the section does not define", g.Name, g.VPC)
		}
		id := g.ID
		if id == "" {
			id = stableID("sg-", account, region, "sg", g.Name)
		}
		n.groups = append(n.groups, securityGroup{id: id, name: g.Name, vpcID: v.id, description: g.Description})
	}
	return n, nil
}

func (n *network) subnet(id string) (subnet, bool) {
	for _, s := range n.subnets {
		if s.id == id {
			return s, true
		}
	}
	return subnet{}, false
}

func (n *network) group(id string) (securityGroup, bool) {
	for _, g := range n.groups {
		if g.id == id {
			return g, true
		}
	}
	return securityGroup{}, false
}

func (n *network) offers(instanceType string) bool {
	return slices.Contains(n.instanceTypes, instanceType)
}

// defaultPlacement is the subnet and group DRS puts into a new server's
// launch template: the first subnet and its VPC's first group.
func (n *network) defaultPlacement() (subnetID string, groupIDs []string) {
	if len(n.subnets) == 0 {
		return "", nil
	}
	s := n.subnets[0]
	for _, g := range n.groups {
		if g.vpcID == s.vpcID {
			return s.id, []string{g.id}
		}
	}
	return s.id, nil
}

// stableID derives an EC2 ID (prefix and 17 hexadecimal digits).
func stableID(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + hex.EncodeToString(h.Sum(nil))[:17]
}
