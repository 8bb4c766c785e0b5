package drssim

import (
	"fmt"
	"slices"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Replication life cycle of source servers (Start/Stop/RetryDataReplication,
// DisconnectSourceServer, DeleteSourceServer) and of recovery instances
// (DisconnectRecoveryInstance, DeleteRecoveryInstance, failback settings).

// replicationRun is a (re)started replication: the states a server passes
// through, each from its simulated time on.
type replicationRun struct {
	Steps []replicationStep `json:"steps"`
	Next  int               `json:"next"`
}

type replicationStep struct {
	At    time.Time `json:"at"`
	State string    `json:"state"`
}

// Simulated durations of a replication (re)start.
const (
	initiateFor    = 5 * time.Minute  // replication server launched and paired
	initialSyncFor = 40 * time.Minute // first full copy of the disks
	rescanFor      = 15 * time.Minute // a rescan of disks already replicated once
)

// startReplicationRun plans INITIATING → INITIAL_SYNC (or RESCAN, when
// the server has replicated data already) → CONTINUOUS from now.
func (e *estate) startReplicationRun(r *serverRecord, now time.Time, rescan bool) {
	second, dur := "INITIAL_SYNC", initialSyncFor
	if rescan {
		second, dur = "RESCAN", rescanFor
	}
	r.Replicating = &replicationRun{Steps: []replicationStep{
		{At: now.Add(initiateFor), State: second},
		{At: now.Add(initiateFor + dur), State: "CONTINUOUS"},
	}}
	info := &r.Server.DataReplicationInfo
	info.DataReplicationState = "INITIATING"
	info.DataReplicationError = nil
	info.DataReplicationInit = &dataReplicationInitInfo{StartDateTime: formatTime(now)}
	r.Disconnected = false
	r.LagSeconds = int64((initiateFor + dur) / time.Second)
	for i := range info.ReplicatedDisks {
		d := &info.ReplicatedDisks[i]
		d.TotalStorageBytes = diskBytes(r, d.DeviceName)
		if !rescan {
			d.ReplicatedStorageBytes = 0
		}
		d.BackloggedStorageBytes = 0
		d.RescannedStorageBytes = 0
	}
	e.dirtyServers[r.Server.SourceServerID] = true
}

func diskBytes(r *serverRecord, device string) int64 {
	for _, d := range r.Server.SourceProperties.Disks {
		if d.DeviceName == device {
			return d.Bytes
		}
	}
	return 0
}

// advanceReplication applies the replication steps due at now.
func (e *estate) advanceReplication(now time.Time) {
	for _, r := range e.servers {
		run := r.Replicating
		if run == nil {
			continue
		}
		for run.Next < len(run.Steps) && !run.Steps[run.Next].At.After(now) {
			step := run.Steps[run.Next]
			run.Next++
			info := &r.Server.DataReplicationInfo
			info.DataReplicationState = step.State
			switch step.State {
			case "INITIAL_SYNC":
				if r.Server.LifeCycle.FirstByteDateTime == "" {
					r.Server.LifeCycle.FirstByteDateTime = formatTime(step.At)
				}
			case "RESCAN":
				for i := range info.ReplicatedDisks {
					info.ReplicatedDisks[i].RescannedStorageBytes = info.ReplicatedDisks[i].TotalStorageBytes
				}
			case "CONTINUOUS":
				for i := range info.ReplicatedDisks {
					info.ReplicatedDisks[i].ReplicatedStorageBytes = info.ReplicatedDisks[i].TotalStorageBytes
				}
				info.DataReplicationInit = nil
				r.LagSeconds = 5
			}
			e.dirtyServers[r.Server.SourceServerID] = true
		}
		if run.Next >= len(run.Steps) {
			r.Replicating = nil
		}
	}
}

// replicating reports whether the server counts against quota
// L-C1D14A2B (replicating source servers).
func (r *serverRecord) replicating() bool {
	switch r.Server.DataReplicationInfo.DataReplicationState {
	case "STOPPED", "DISCONNECTED":
		return false
	}
	return true
}

func opStartReplication(c *opContext, body []byte) (any, *awswire.APIError) {
	var req serverIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.server(req.SourceServerID)
	if err != nil {
		return nil, err
	}
	id := r.Server.SourceServerID
	if st := r.Server.DataReplicationInfo.DataReplicationState; st != "STOPPED" {
		return nil, conflict("SOURCE_SERVER", id, fmt.Sprintf("source server %s is %s: only a STOPPED source server can start replicating", id, st))
	}
	n := 0
	for _, s := range c.e.servers {
		if s.replicating() {
			n++
		}
	}
	// Quota L-C1D14A2B; StartReplication models no
	// ServiceQuotaExceededException, so the limit is a conflict.
	if limit := c.e.quota(QuotaReplicatingServers); n+1 > limit {
		return nil, conflict("SOURCE_SERVER", id, fmt.Sprintf("%d source servers already replicate: quota %s (Max Total replicating source servers Per AWS Account) is %d", n, QuotaReplicatingServers, limit))
	}
	c.e.startReplicationRun(r, c.now, false)
	return map[string]any{"sourceServer": r.view(c.now)}, nil
}

func opStopReplication(c *opContext, body []byte) (any, *awswire.APIError) {
	var req serverIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.server(req.SourceServerID)
	if err != nil {
		return nil, err
	}
	id := r.Server.SourceServerID
	if !r.replicating() {
		return nil, conflict("SOURCE_SERVER", id, fmt.Sprintf("source server %s is %s: it does not replicate", id, r.Server.DataReplicationInfo.DataReplicationState))
	}
	if j := c.e.busyWith(id); j != nil {
		return nil, conflict("SOURCE_SERVER", id, fmt.Sprintf("source server %s is part of active job %s", id, j.Job.JobID))
	}
	info := &r.Server.DataReplicationInfo
	info.DataReplicationState = "STOPPED"
	info.DataReplicationError = nil
	info.DataReplicationInit = nil
	r.Replicating = nil
	// Stopping deletes the server's snapshots: it has no point in time to
	// launch from until it replicates again.
	r.Server.LifeCycle.FirstByteDateTime = ""
	for i := range info.ReplicatedDisks {
		info.ReplicatedDisks[i].ReplicatedStorageBytes = 0
		info.ReplicatedDisks[i].BackloggedStorageBytes = 0
	}
	c.e.dirtyServers[id] = true
	return map[string]any{"sourceServer": r.view(c.now)}, nil
}

func opRetryDataReplication(c *opContext, body []byte) (any, *awswire.APIError) {
	var req serverIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.server(req.SourceServerID)
	if err != nil {
		return nil, err
	}
	st := r.Server.DataReplicationInfo.DataReplicationState
	if r.Disconnected || !slices.Contains([]string{"STALLED", "DISCONNECTED", "STOPPED"}, st) {
		return nil, validationError(reasonOther, fmt.Sprintf("source server %s is %s: RetryDataReplication works only on a stalled, disconnected or stopped source server", r.Server.SourceServerID, st))
	}
	c.e.startReplicationRun(r, c.now, r.Server.LifeCycle.FirstByteDateTime != "")
	return r.view(c.now), nil
}

func opDisconnectSourceServer(c *opContext, body []byte) (any, *awswire.APIError) {
	var req serverIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.server(req.SourceServerID)
	if err != nil {
		return nil, err
	}
	id := r.Server.SourceServerID
	if inst := r.Server.RecoveryInstanceID; inst != "" {
		return nil, conflict("SOURCE_SERVER", id, fmt.Sprintf("source server %s has recovery instance %s: terminate or delete it before disconnecting the server", id, inst))
	}
	if j := c.e.busyWith(id); j != nil {
		return nil, conflict("SOURCE_SERVER", id, fmt.Sprintf("source server %s is part of active job %s", id, j.Job.JobID))
	}
	// As the API reference says: state DISCONNECTED, every replicated
	// disk's totalStorageBytes zero, no lag or ETA.
	info := &r.Server.DataReplicationInfo
	info.DataReplicationState = "DISCONNECTED"
	info.DataReplicationError = nil
	info.DataReplicationInit = nil
	for i := range info.ReplicatedDisks {
		info.ReplicatedDisks[i].TotalStorageBytes = 0
	}
	r.Replicating = nil
	r.Disconnected = true
	c.e.dirtyServers[id] = true
	return r.view(c.now), nil
}

func opDeleteSourceServer(c *opContext, body []byte) (any, *awswire.APIError) {
	var req serverIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.server(req.SourceServerID)
	if err != nil {
		return nil, err
	}
	id := r.Server.SourceServerID
	if !r.Disconnected {
		return nil, conflict("SOURCE_SERVER", id, fmt.Sprintf("source server %s must be disconnected (DisconnectSourceServer) before it is deleted", id))
	}
	c.e.servers = slices.DeleteFunc(c.e.servers, func(x *serverRecord) bool { return x == r })
	delete(c.e.byID, id)
	delete(c.e.dirtyServers, id)
	c.e.deletedServers[id] = true
	return nil, nil
}

// Recovery instances.

type recoveryInstanceFailback struct {
	State                  string `json:"state"`
	FailbackClientID       string `json:"failbackClientID,omitempty"`
	FailbackInitiationTime string `json:"failbackInitiationTime,omitempty"`
	FailbackJobID          string `json:"failbackJobID,omitempty"`
}

type recoveryInstanceDataReplicationInfo struct {
	DataReplicationState string                   `json:"dataReplicationState"`
	ReplicatedDisks      []recoveryInstanceRepDsk `json:"replicatedDisks"`
}

type recoveryInstanceRepDsk struct {
	DeviceName             string `json:"deviceName"`
	TotalStorageBytes      int64  `json:"totalStorageBytes"`
	ReplicatedStorageBytes int64  `json:"replicatedStorageBytes"`
	RescannedStorageBytes  int64  `json:"rescannedStorageBytes"`
	BackloggedStorageBytes int64  `json:"backloggedStorageBytes"`
}

// failbackConfig is a recovery instance's failback replication settings.
type failbackConfig struct {
	Name                string `json:"name"`
	BandwidthThrottling int64  `json:"bandwidthThrottling"`
	UsePrivateIP        bool   `json:"usePrivateIP"`
	InternetProtocol    string `json:"internetProtocol"`
}

type instanceIDRequest struct {
	RecoveryInstanceID string `json:"recoveryInstanceID"`
}

func (c *opContext) instance(id string) (*instanceRecord, *awswire.APIError) {
	if err := checkRequiredPattern("recoveryInstanceID", id, reRecoveryInstance, "a recovery instance ID (i- and 8 to 17 hex digits)"); err != nil {
		return nil, err
	}
	r, ok := c.e.instances[id]
	if !ok {
		return nil, notFound("RECOVERY_INSTANCE", id)
	}
	return r, nil
}

func opDisconnectRecoveryInstance(c *opContext, body []byte) (any, *awswire.APIError) {
	var req instanceIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.instance(req.RecoveryInstanceID)
	if err != nil {
		return nil, err
	}
	inst := &r.Instance
	if j := c.e.busyWith(inst.SourceServerID); j != nil {
		return nil, conflict("RECOVERY_INSTANCE", inst.RecoveryInstanceID, fmt.Sprintf("recovery instance %s is part of active job %s", inst.RecoveryInstanceID, j.Job.JobID))
	}
	if d := inst.DataReplicationInfo; d != nil && d.DataReplicationState == "DISCONNECTED" {
		return nil, conflict("RECOVERY_INSTANCE", inst.RecoveryInstanceID, "recovery instance "+inst.RecoveryInstanceID+" is already disconnected")
	}
	info := &recoveryInstanceDataReplicationInfo{DataReplicationState: "DISCONNECTED", ReplicatedDisks: []recoveryInstanceRepDsk{}}
	for _, d := range inst.RecoveryInstanceProperties.Disks {
		info.ReplicatedDisks = append(info.ReplicatedDisks, recoveryInstanceRepDsk{DeviceName: d.InternalDeviceName})
	}
	inst.DataReplicationInfo = info
	c.e.dirtyInstances[inst.RecoveryInstanceID] = true
	return nil, nil
}

func opDeleteRecoveryInstance(c *opContext, body []byte) (any, *awswire.APIError) {
	var req instanceIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.instance(req.RecoveryInstanceID)
	if err != nil {
		return nil, err
	}
	inst := r.Instance
	if d := inst.DataReplicationInfo; d == nil || d.DataReplicationState != "DISCONNECTED" {
		return nil, conflict("RECOVERY_INSTANCE", inst.RecoveryInstanceID, "recovery instance "+inst.RecoveryInstanceID+" must be disconnected (DisconnectRecoveryInstance) before it is deleted")
	}
	c.e.deleteInstance(inst.RecoveryInstanceID)
	if srv := c.e.byID[inst.SourceServerID]; srv != nil && srv.Server.RecoveryInstanceID == inst.RecoveryInstanceID {
		srv.Server.RecoveryInstanceID = ""
		c.e.dirtyServers[srv.Server.SourceServerID] = true
	}
	return nil, nil
}

func (r *instanceRecord) failbackConfig() failbackConfig {
	if r.Failback != nil {
		return *r.Failback
	}
	return failbackConfig{Name: r.Instance.RecoveryInstanceProperties.IdentificationHints.Hostname, InternetProtocol: "IPV4"}
}

func opGetFailbackReplicationConfiguration(c *opContext, body []byte) (any, *awswire.APIError) {
	var req instanceIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.instance(req.RecoveryInstanceID)
	if err != nil {
		return nil, err
	}
	return struct {
		RecoveryInstanceID string `json:"recoveryInstanceID"`
		failbackConfig
	}{r.Instance.RecoveryInstanceID, r.failbackConfig()}, nil
}

func opUpdateFailbackReplicationConfiguration(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		instanceIDRequest
		Name                *string `json:"name"`
		BandwidthThrottling *int64  `json:"bandwidthThrottling"`
		UsePrivateIP        *bool   `json:"usePrivateIP"`
		InternetProtocol    *string `json:"internetProtocol"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.instance(req.RecoveryInstanceID)
	if err != nil {
		return nil, err
	}
	cfg := r.failbackConfig()
	if v := req.Name; v != nil {
		if len(*v) > 256 {
			return nil, invalidField("name", "is %d characters long; at most 256 are allowed", len(*v))
		}
		cfg.Name = *v
	}
	if v := req.BandwidthThrottling; v != nil {
		if *v < 0 {
			return nil, invalidField("bandwidthThrottling", "%d must be 0 (no limit) or more", *v)
		}
		cfg.BandwidthThrottling = *v
	}
	setBool(&cfg.UsePrivateIP, req.UsePrivateIP)
	if v := req.InternetProtocol; v != nil {
		if err := checkEnumSet("internetProtocol", *v, enumInternetProtocol); err != nil {
			return nil, err
		}
		cfg.InternetProtocol = *v
	}
	r.Failback = &cfg
	c.e.dirtyInstances[r.Instance.RecoveryInstanceID] = true
	return nil, nil
}

func opStopFailback(c *opContext, body []byte) (any, *awswire.APIError) {
	var req instanceIDRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.instance(req.RecoveryInstanceID)
	if err != nil {
		return nil, err
	}
	r.Instance.Failback = &recoveryInstanceFailback{State: "FAILBACK_NOT_STARTED"}
	c.e.dirtyInstances[r.Instance.RecoveryInstanceID] = true
	return nil, nil
}
