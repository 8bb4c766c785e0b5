package ec2sim

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sort"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// Recovery instances: DRS launches each one from its server's launch
// template (default version), and EC2 then describes it with the
// template's instance type, subnet, address and tags.

type instance struct {
	ID             string            `json:"id"`
	InstanceType   string            `json:"instanceType"`
	SubnetID       string            `json:"subnetId"`
	VpcID          string            `json:"vpcId"`
	AZ             string            `json:"availabilityZone"`
	PrivateIP      string            `json:"privateIp"`
	Groups         []string          `json:"groups,omitempty"`
	Profile        string            `json:"iamInstanceProfile,omitempty"`
	Tags           map[string]string `json:"tags,omitempty"`
	Stopped        bool              `json:"stopped,omitempty"`
	LaunchTemplate string            `json:"launchTemplateId"`
	Version        int64             `json:"launchTemplateVersion"`
	LaunchTime     string            `json:"launchTime"`
}

// instanceSizes are vCPUs and GiB of the default network's types.
var instanceSizes = map[string][2]int64{
	"t3.micro": {2, 1}, "t3.small": {2, 2}, "t3.medium": {2, 4}, "t3.large": {2, 8}, "t3.xlarge": {4, 16},
	"m5.large": {2, 8}, "m5.xlarge": {4, 16}, "m5.2xlarge": {8, 32}, "m6i.large": {2, 8}, "m6i.xlarge": {4, 16}, "m6i.2xlarge": {8, 32},
	"c5.large": {2, 4}, "c5.xlarge": {4, 8}, "c6i.large": {2, 4}, "c6i.xlarge": {4, 8},
	"r5.large": {2, 16}, "r5.xlarge": {4, 32}, "r6i.large": {2, 16}, "r6i.xlarge": {4, 32},
}

// Place implements drssim.LaunchPlacer.
func (s *Service) Place(account, region string, seed drssim.LaunchTemplateSeed, id, instanceType, privateIP string, stopped bool) (drssim.Placement, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx := context.Background()
	e, err := s.estateLocked(ctx, account, region)
	if err != nil {
		s.opts.Logger.Warn("ec2: could not place a recovery instance", "instance", id, "error", err.Message)
		return drssim.Placement{}, false
	}
	t, ok := e.templates[seed.LaunchTemplateID]
	if !ok {
		t = e.drsTemplate(seed, s.opts.Now().UTC())
		e.templates[t.ID] = t
		if err := s.put(ctx, e, kindTemplate, t.ID, t); err != nil {
			s.opts.Logger.Warn("ec2: could not store a launch template", "launchTemplate", t.ID, "error", err)
		}
	}
	v, _ := t.resolveVersion("$Default")
	d := v.Data
	if instanceType == "" {
		instanceType = d.InstanceType
	}
	inst := &instance{ID: id, InstanceType: instanceType, LaunchTemplate: t.ID, Version: v.Number, Stopped: stopped,
		LaunchTime: timestamp(s.opts.Now()), Tags: map[string]string{}}
	for _, ts := range d.TagSpecifications {
		if ts.ResourceType == "instance" {
			for _, tg := range ts.Tags {
				inst.Tags[tg.Key] = tg.Value
			}
		}
	}
	if d.IamInstanceProfile != nil {
		inst.Profile = d.IamInstanceProfile.Name
	}
	for _, ni := range d.NetworkInterfaces {
		if ni.DeviceIndex == nil || *ni.DeviceIndex == 0 {
			inst.SubnetID, inst.PrivateIP, inst.Groups = ni.SubnetID, ni.PrivateIPAddress, ni.Groups
		}
	}
	if privateIP != "" {
		inst.PrivateIP = privateIP // copied from the source server: DRS does not check it against the subnet
	}
	if inst.SubnetID == "" {
		inst.SubnetID, inst.Groups = e.net.defaultPlacement()
	}
	if sn, ok := e.net.subnet(inst.SubnetID); ok {
		inst.VpcID, inst.AZ = sn.vpcID, sn.az
		if inst.PrivateIP == "" || privateIP == "" && e.addressTaken(inst.PrivateIP, id) {
			inst.PrivateIP = e.freeAddress(sn, id)
		}
	}
	e.instances[id] = inst
	if err := s.put(ctx, e, kindInstance, id, inst); err != nil {
		s.opts.Logger.Warn("ec2: could not store a recovery instance", "instance", id, "error", err)
	}
	size := instanceSizes[instanceType]
	return drssim.Placement{PrivateIP: inst.PrivateIP, VCPUs: size[0], RAMBytes: size[1] << 30}, true
}

// Terminated implements drssim.LaunchPlacer.
func (s *Service) Terminated(account, region, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.estates[account+"/"+region]
	if !ok || e.instances[id] == nil {
		return
	}
	delete(e.instances, id)
	if err := s.remove(context.Background(), e, kindInstance, id); err != nil {
		s.opts.Logger.Warn("ec2: could not store a terminated instance", "instance", id, "error", err)
	}
}

func (e *estate) addressTaken(ip, except string) bool {
	for _, i := range e.instances {
		if i.ID != except && i.PrivateIP == ip {
			return true
		}
	}
	return false
}

// freeAddress is the subnet's first address from .10 that no instance
// holds (AWS reserves the first four of every subnet).
func (e *estate) freeAddress(sn subnet, except string) string {
	a := sn.prefix.Masked().Addr()
	for i := 0; i < 10; i++ {
		a = a.Next()
	}
	for ; sn.prefix.Contains(a); a = a.Next() {
		if !e.addressTaken(a.String(), except) {
			return a.String()
		}
	}
	return netip.Addr{}.String()
}

func (e *estate) sortedInstances() []*instance {
	out := make([]*instance, 0, len(e.instances))
	for _, i := range e.instances {
		out = append(out, i)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

type xmlInstanceState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type xmlInstance struct {
	InstanceID       string           `xml:"instanceId"`
	InstanceType     string           `xml:"instanceType"`
	LaunchTime       string           `xml:"launchTime"`
	Placement        string           `xml:"placement>availabilityZone"`
	SubnetID         string           `xml:"subnetId"`
	VpcID            string           `xml:"vpcId"`
	PrivateIPAddress string           `xml:"privateIpAddress"`
	State            xmlInstanceState `xml:"instanceState"`
	Groups           []xmlGroupRef    `xml:"groupSet>item"`
	Profile          *xmlIamProfile   `xml:"iamInstanceProfile,omitempty"`
	Tags             []xmlTag         `xml:"tagSet>item"`
}

type xmlGroupRef struct {
	GroupID string `xml:"groupId"`
}

type xmlReservation struct {
	ReservationID string        `xml:"reservationId"`
	OwnerID       string        `xml:"ownerId"`
	Instances     []xmlInstance `xml:"instancesSet>item"`
}

type describeInstancesResponse struct {
	respMeta
	Reservations []xmlReservation `xml:"reservationSet>item"`
	NextToken    string           `xml:"nextToken,omitempty"`
}

func describeInstances(c *call) (response, bool, *awswire.APIError) {
	ids := c.f.list("InstanceId")
	for _, id := range ids {
		if _, ok := c.e.instances[id]; !ok {
			return nil, false, instanceNotFound(id)
		}
	}
	filters := c.f.filters()
	var out []xmlReservation
	for _, i := range c.e.sortedInstances() {
		if len(ids) > 0 && !slices.Contains(ids, i.ID) {
			continue
		}
		state := xmlInstanceState{16, "running"}
		if i.Stopped {
			state = xmlInstanceState{80, "stopped"}
		}
		ok, err := matchFilters(filters, func(name string) ([]string, bool) {
			switch name {
			case "instance-id":
				return []string{i.ID}, true
			case "instance-type":
				return []string{i.InstanceType}, true
			case "subnet-id":
				return []string{i.SubnetID}, true
			case "vpc-id":
				return []string{i.VpcID}, true
			case "instance-state-name":
				return []string{state.Name}, true
			case "private-ip-address":
				return []string{i.PrivateIP}, true
			}
			return tagFilter(name, i.Tags)
		})
		if err != nil {
			return nil, false, asAPIError(err)
		}
		if !ok {
			continue
		}
		x := xmlInstance{InstanceID: i.ID, InstanceType: i.InstanceType, LaunchTime: i.LaunchTime, Placement: i.AZ, SubnetID: i.SubnetID,
			VpcID: i.VpcID, PrivateIPAddress: i.PrivateIP, State: state}
		for _, g := range i.Groups {
			x.Groups = append(x.Groups, xmlGroupRef{g})
		}
		if i.Profile != "" {
			x.Profile = &xmlIamProfile{Arn: fmt.Sprintf("arn:aws:iam::%s:instance-profile/%s", c.e.account, i.Profile)}
		}
		keys := make([]string, 0, len(i.Tags))
		for k := range i.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			x.Tags = append(x.Tags, xmlTag{k, i.Tags[k]})
		}
		out = append(out, xmlReservation{ReservationID: stableID("r-", i.ID), OwnerID: c.e.account, Instances: []xmlInstance{x}})
	}
	items, next, err := page(c.f, out, 1000)
	if err != nil {
		return nil, false, err
	}
	return &describeInstancesResponse{Reservations: items, NextToken: next}, false, nil
}

// Instance is what other simulated services (SSM) see of a recovery
// instance.
type Instance struct {
	ID      string
	Running bool
	Tags    map[string]string
}

// LookupInstance finds a recovery instance of account and region; false
// when EC2 has none of that ID (never launched, or terminated).
func (s *Service) LookupInstance(account, region, id string) (Instance, bool) {
	e, err := s.estate(context.Background(), account, region)
	if err != nil {
		return Instance{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	inst, ok := e.instances[id]
	if !ok {
		return Instance{}, false
	}
	tags := make(map[string]string, len(inst.Tags))
	for k, v := range inst.Tags {
		tags[k] = v
	}
	return Instance{ID: inst.ID, Running: !inst.Stopped, Tags: tags}, true
}

// PlacedInstance is LookupInstance for callers that hold DRS's estate
// lock (DRS starting launch actions): it reads the instances placed so far
// (loading the estate from the store after a restart, as Place does) and
// never asks DRS for new launch templates.
func (s *Service) PlacedInstance(account, region, id string) (Instance, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.estateLocked(context.Background(), account, region)
	if err != nil || e.instances[id] == nil {
		return Instance{}, false
	}
	inst := e.instances[id]
	tags := make(map[string]string, len(inst.Tags))
	for k, v := range inst.Tags {
		tags[k] = v
	}
	return Instance{ID: inst.ID, Running: !inst.Stopped, Tags: tags}, true
}

// RunningInstances lists the IDs of account and region's recovery
// instances that run, sorted.
func (s *Service) RunningInstances(account, region string) []string {
	e, err := s.estate(context.Background(), account, region)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, inst := range e.sortedInstances() {
		if !inst.Stopped {
			ids = append(ids, inst.ID)
		}
	}
	return ids
}
