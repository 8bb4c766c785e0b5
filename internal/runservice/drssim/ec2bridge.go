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
