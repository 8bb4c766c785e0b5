package drssim

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// ReverseReplication (cross-region DR of EC2 instances): a recovery
// instance in this region replicates back to the region its source server
// came from, as a new source server there whose replication direction is
// FAILBACK. The new server is added to the origin estate after this
// estate's lock is released: estates are never locked two at a time.

// originReady reports, before the caller's estate is locked, whether DRS
// is initialized in the origin region of the recovery instance named in
// body.
func (s *Simulator) originReady(e *estate, body []byte) bool {
	var req instanceIDRequest
	if json.Unmarshal(body, &req) != nil {
		return false
	}
	e.mu.Lock()
	var origin string
	if r, ok := e.instances[req.RecoveryInstanceID]; ok {
		if srv := e.byID[r.Instance.SourceServerID]; srv != nil && srv.Server.SourceCloudProperties != nil {
			origin = srv.Server.SourceCloudProperties.OriginRegion
		}
	}
	e.mu.Unlock()
	if origin == "" {
		return false
	}
	s.mu.Lock()
	o, ok := s.estates[estateKey{e.key.Account, origin}]
	s.mu.Unlock()
	if !ok {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.initialized
}

func opReverseReplication(c *opContext, body []byte) (any, *awswire.APIError) {
	var req instanceIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.instance(req.RecoveryInstanceID)
	if err != nil {
		return nil, err
	}
	inst := &r.Instance
	id := inst.RecoveryInstanceID
	srv := c.e.byID[inst.SourceServerID]
	if inst.OriginEnvironment != "AWS" || srv == nil || srv.Server.SourceCloudProperties == nil {
		return nil, validationError(reasonOther, fmt.Sprintf("recovery instance %s did not originate in EC2: ReverseReplication applies only to instances of EC2 source servers (cross-region); fail back on-premises servers with the Failback Client", id))
	}
	if inst.IsDrill {
		return nil, validationError(reasonOther, fmt.Sprintf("recovery instance %s was launched by a drill: only recovery instances replicate back", id))
	}
	if r.ReversedArn != "" {
		return nil, conflict("RECOVERY_INSTANCE", id, fmt.Sprintf("recovery instance %s already replicates back to %s", id, r.ReversedArn))
	}
	if d := inst.DataReplicationInfo; d != nil && d.DataReplicationState == "DISCONNECTED" {
		return nil, conflict("RECOVERY_INSTANCE", id, "recovery instance "+id+" is disconnected")
	}
	if !c.originReady {
		return nil, validationError(reasonOther, fmt.Sprintf("Elastic Disaster Recovery is not initialized in %s, the origin region of recovery instance %s", srv.Server.SourceCloudProperties.OriginRegion, id))
	}
	origin := estateKey{c.e.key.Account, srv.Server.SourceCloudProperties.OriginRegion}
	hostname := inst.RecoveryInstanceProperties.IdentificationHints.Hostname
	newID := hashID("s-", 17, origin.Account, origin.Region, "reversed", id)
	arn := arnFor(origin, "source-server", newID)
	r.ReversedArn = arn
	srv.Server.ReversedDirectionSourceServerArn = arn
	c.e.dirtyServers[srv.Server.SourceServerID] = true
	inst.Failback = &recoveryInstanceFailback{State: "FAILBACK_IN_PROGRESS", FailbackInitiationTime: formatTime(c.now)}
	c.e.dirtyInstances[id] = true
	forward := srv.Server.Arn
	props := inst.RecoveryInstanceProperties
	disks := make([]DiskSpec, 0, len(props.Disks))
	for _, d := range props.Disks {
		disks = append(disks, DiskSpec{DeviceName: d.InternalDeviceName, Bytes: d.Bytes})
	}
	c.after = append(c.after, func() {
		err := c.s.mutate(Estate(origin), func(oe *estate, now time.Time) error {
			if _, exists := oe.byID[newID]; exists {
				return nil
			}
			rec := oe.newServer(ServerSpec{SourceServerID: newID, Hostname: hostname, Disks: disks, ReplicationState: "STOPPED"}, now)
			rec.Server.ReplicationDirection = "FAILBACK"
			rec.Server.ReversedDirectionSourceServerArn = forward
			rec.Server.SourceProperties.IdentificationHints.AwsInstanceID = inst.Ec2InstanceID
			rec.Server.SourceCloudProperties = &sourceCloudProperties{OriginAccountID: c.e.key.Account, OriginRegion: c.e.key.Region,
				OriginAvailabilityZone: c.e.key.Region + "a"}
			oe.addServer(rec)
			oe.startReplicationRun(rec, now, false)
			return nil
		})
		if err != nil {
			c.s.logger.Error("drs simulator: reversed source server", "estate", origin.String(), "err", err)
		}
	})
	return map[string]any{"reversedDirectionSourceServerArn": arn}, nil
}
