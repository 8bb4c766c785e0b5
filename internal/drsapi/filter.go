package drsapi

import (
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/drs/types"
)

// ProtectionGroupTag is the tag whose value names the protection group a
// source server belongs to.
const ProtectionGroupTag = "drsorch:protection-group"

// ServerFilter selects source servers client-side, after DRS has applied
// the ID filter. Zero fields select everything.
type ServerFilter struct {
	Tags              map[string]string // every pair must match
	HostnameRegex     *regexp.Regexp
	ReplicationStates []types.DataReplicationState
	ReadyForRecovery  *bool
}

// Match reports whether s passes every set criterion.
func (f ServerFilter) Match(s types.SourceServer) bool {
	for k, v := range f.Tags {
		if got, ok := s.Tags[k]; !ok || got != v {
			return false
		}
	}
	if f.HostnameRegex != nil && !f.HostnameRegex.MatchString(Hostname(s)) {
		return false
	}
	if len(f.ReplicationStates) > 0 && !slices.Contains(f.ReplicationStates, ReplicationState(s)) {
		return false
	}
	if f.ReadyForRecovery != nil && ReadyForRecovery(s) != *f.ReadyForRecovery {
		return false
	}
	return true
}

// Hostname is the server's hostname as its agent reported it.
func Hostname(s types.SourceServer) string {
	if s.SourceProperties != nil && s.SourceProperties.IdentificationHints != nil && s.SourceProperties.IdentificationHints.Hostname != nil {
		return *s.SourceProperties.IdentificationHints.Hostname
	}
	return ""
}

// ReplicationState is the server's data replication state, empty if DRS
// reported none.
func ReplicationState(s types.SourceServer) types.DataReplicationState {
	if s.DataReplicationInfo == nil {
		return ""
	}
	return s.DataReplicationInfo.DataReplicationState
}

// ReadyForRecovery: replication is continuous (so a recent point in time
// exists), no replication error is reported, and the server is not already
// recovered to a recovery instance.
func ReadyForRecovery(s types.SourceServer) bool {
	if s.DataReplicationInfo == nil || s.DataReplicationInfo.DataReplicationState != types.DataReplicationStateContinuous {
		return false
	}
	if s.DataReplicationInfo.DataReplicationError != nil && s.DataReplicationInfo.DataReplicationError.Error != "" {
		return false
	}
	return true
}
