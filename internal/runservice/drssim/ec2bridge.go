package drssim

import (
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// What the EC2 simulator (package ec2sim) needs from DRS: the EC2 launch
// template DRS created for each source server, which EC2 then serves.

// LaunchTemplateSeed is a source server's EC2 launch template as DRS
// creates it.
type LaunchTemplateSeed struct {
	SourceServerID          string
	Hostname                string
	LaunchTemplateID        string
	RecommendedInstanceType string
}

// LaunchTemplateSeeds lists the launch templates of an estate's servers
// (none when the estate does not exist).
func (s *Simulator) LaunchTemplateSeeds(account, region string) []LaunchTemplateSeed {
	if account == "" {
		account = awswire.DefaultAccount
	}
	s.mu.Lock()
	e, ok := s.estates[estateKey{account, region}]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]LaunchTemplateSeed, 0, len(e.servers))
	for _, r := range e.servers {
		out = append(out, LaunchTemplateSeed{
			SourceServerID:          r.Server.SourceServerID,
			Hostname:                r.Server.SourceProperties.IdentificationHints.Hostname,
			LaunchTemplateID:        r.Launch.Ec2LaunchTemplateID,
			RecommendedInstanceType: r.Server.SourceProperties.RecommendedInstanceType,
		})
	}
	return out
}

// LaunchPlacer places a recovery instance the way its server's EC2 launch
// template says (package ec2sim): DRS launches from the template's default
// version. It must not call back into the simulator (the estate is locked).
type LaunchPlacer interface {
	// Place records the instance ec2InstanceID launched from seed's
	// template. instanceType and privateIP, when set, win over the
	// template's (DRS right-sizing chose the type; copyPrivateIp copies
	// the source server's address).
	Place(account, region string, seed LaunchTemplateSeed, ec2InstanceID, instanceType, privateIP string, stopped bool) (Placement, bool)
	// Terminated forgets an instance DRS terminated.
	Terminated(account, region, ec2InstanceID string)
}

// Placement is what DRS reports of a placed recovery instance.
type Placement struct {
	PrivateIP string
	VCPUs     int64
	RAMBytes  int64
}

// SetLaunchPlacer makes recovery instances follow their launch templates.
func (s *Simulator) SetLaunchPlacer(p LaunchPlacer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.placer = p
}

func (s *Simulator) launchPlacer() LaunchPlacer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.placer
}

// place applies the launch template to a new recovery instance's
// properties: the private IP of its primary interface, its CPUs and RAM.
func (e *estate) place(srv *serverRecord, id string, inst *recoveryInstance) {
	if e.placer == nil {
		return
	}
	itype := ""
	if srv.Launch.TargetInstanceTypeRightSizingMethod != "NONE" {
		itype = srv.Server.SourceProperties.RecommendedInstanceType // what right-sizing picks
	}
	seed := LaunchTemplateSeed{SourceServerID: srv.Server.SourceServerID, Hostname: srv.Server.SourceProperties.IdentificationHints.Hostname,
		LaunchTemplateID: srv.Launch.Ec2LaunchTemplateID, RecommendedInstanceType: srv.Server.SourceProperties.RecommendedInstanceType}
	ip := ""
	if srv.Launch.CopyPrivateIP {
		for _, ni := range srv.Server.SourceProperties.NetworkInterfaces {
			if ni.IsPrimary && len(ni.Ips) > 0 {
				ip = ni.Ips[0]
			}
		}
	}
	p, ok := e.placer.Place(e.key.Account, e.key.Region, seed, id, itype, ip, inst.Ec2InstanceState == "STOPPED")
	if !ok {
		return
	}
	props := &inst.RecoveryInstanceProperties
	mac := hashID("", 12, id, "mac")
	if len(props.NetworkInterfaces) > 0 {
		mac = props.NetworkInterfaces[0].MacAddress
	}
	props.NetworkInterfaces = []networkInterface{{MacAddress: mac, Ips: []string{p.PrivateIP}, IsPrimary: true}}
	if p.VCPUs > 0 {
		model := "Intel(R) Xeon(R) Platinum"
		if len(props.Cpus) > 0 {
			model = props.Cpus[0].ModelName
		}
		props.Cpus = []cpu{{Cores: p.VCPUs, ModelName: model}}
		props.RAMBytes = p.RAMBytes
	}
}
