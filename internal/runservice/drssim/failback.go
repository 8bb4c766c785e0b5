package drssim

import (
	"fmt"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Failback to the source environment. In AWS the DRS Failback Client,
// booted on the machine to fail back to, connects to the recovery
// instance and replicates it back; once replication is continuous the
// recovery instance is ready for StartFailbackLaunch, whose job converts
// and boots the machine. The simulator plays the Failback Client through
// /_sim/failback-client (ConnectFailbackClient).

// Simulated durations of failback replication.
const (
	failbackInitiateFor = 5 * time.Minute
	failbackSyncFor     = 30 * time.Minute
)

// Timeline kinds of a failback launch job.
const (
	evFailbackLaunchStart = "FAILBACK_LAUNCH_START"
	evFailbackLaunched    = "FAILBACK_LAUNCHED"
)

// ConnectFailbackClient starts failback replication of a recovery
// instance, as when the Failback Client connects to it.
func (s *Simulator) ConnectFailbackClient(ref Estate, recoveryInstanceID string) error {
	return s.mutate(ref, func(e *estate, now time.Time) error {
		r, ok := e.instances[recoveryInstanceID]
		if !ok {
			return fmt.Errorf("recovery instance %s does not exist in estate %s", recoveryInstanceID, e.key)
		}
		if r.Instance.IsDrill {
			return fmt.Errorf("recovery instance %s was launched by a drill: only recovery instances fail back", recoveryInstanceID)
		}
		if d := r.Instance.DataReplicationInfo; d != nil && d.DataReplicationState == "DISCONNECTED" {
			return fmt.Errorf("recovery instance %s is disconnected", recoveryInstanceID)
		}
		r.FailbackRun = &replicationRun{Steps: []replicationStep{
			{At: now.Add(failbackInitiateFor), State: "INITIAL_SYNC"},
			{At: now.Add(failbackInitiateFor + failbackSyncFor), State: "CONTINUOUS"},
		}}
		info := &recoveryInstanceDataReplicationInfo{DataReplicationState: "INITIATING", ReplicatedDisks: []recoveryInstanceRepDsk{}}
		for _, d := range r.Instance.RecoveryInstanceProperties.Disks {
			info.ReplicatedDisks = append(info.ReplicatedDisks, recoveryInstanceRepDsk{DeviceName: d.InternalDeviceName, TotalStorageBytes: d.Bytes})
		}
		r.Instance.DataReplicationInfo = info
		r.Instance.Failback = &recoveryInstanceFailback{State: "FAILBACK_IN_PROGRESS",
			FailbackClientID: hashID("i-", 17, recoveryInstanceID, "failback-client"), FailbackInitiationTime: formatTime(now)}
		e.dirtyInstances[recoveryInstanceID] = true
		return nil
	})
}

// advanceFailback applies failback replication steps due at now.
func (e *estate) advanceFailback(now time.Time) {
	for id, r := range e.instances {
		run := r.FailbackRun
		if run == nil {
			continue
		}
		for run.Next < len(run.Steps) && !run.Steps[run.Next].At.After(now) {
			step := run.Steps[run.Next]
			run.Next++
			if d := r.Instance.DataReplicationInfo; d != nil {
				d.DataReplicationState = step.State
				if step.State == "CONTINUOUS" {
					for i := range d.ReplicatedDisks {
						d.ReplicatedDisks[i].ReplicatedStorageBytes = d.ReplicatedDisks[i].TotalStorageBytes
					}
				}
			}
			if step.State == "CONTINUOUS" && r.Instance.Failback != nil && r.Instance.Failback.State == "FAILBACK_IN_PROGRESS" {
				r.Instance.Failback.State = "FAILBACK_READY_FOR_LAUNCH"
			}
			e.dirtyInstances[id] = true
		}
		if run.Next >= len(run.Steps) {
			r.FailbackRun = nil
		}
	}
}

func opStartFailbackLaunch(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		RecoveryInstanceIDs []string          `json:"recoveryInstanceIDs"`
		Tags                map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if len(req.RecoveryInstanceIDs) == 0 || len(req.RecoveryInstanceIDs) > 200 {
		return nil, invalidField("recoveryInstanceIDs", "lists %d instances: use 1 to 200", len(req.RecoveryInstanceIDs))
	}
	if err := checkTags("tags", req.Tags); err != nil {
		return nil, err
	}
	e := c.e
	seen := map[string]bool{}
	var insts []*instanceRecord
	for i, id := range req.RecoveryInstanceIDs {
		at := fmt.Sprintf("recoveryInstanceIDs[%d]", i)
		if err := checkRequiredPattern(at, id, reRecoveryInstance, "a recovery instance ID (i- and 8 to 17 hex digits)"); err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, invalidField(at, "%s is listed twice", id)
		}
		seen[id] = true
		r, ok := e.instances[id]
		if !ok {
			return nil, notFound("RECOVERY_INSTANCE", id)
		}
		if f := r.Instance.Failback; f == nil || f.State != "FAILBACK_READY_FOR_LAUNCH" {
			state := "FAILBACK_NOT_STARTED"
			if f != nil {
				state = f.State
			}
			return nil, conflict("RECOVERY_INSTANCE", id, fmt.Sprintf("recovery instance %s is %s: failback launches only from FAILBACK_READY_FOR_LAUNCH (connect the Failback Client and wait for continuous replication)", id, state))
		}
		if j := e.busyWith(r.Instance.SourceServerID); j != nil {
			return nil, conflict("RECOVERY_INSTANCE", id, fmt.Sprintf("recovery instance %s belongs to source server %s, which is part of active job %s", id, r.Instance.SourceServerID, j.Job.JobID))
		}
		insts = append(insts, r)
	}
	if err := checkJobQuotas(e, len(insts)); err != nil {
		return nil, err
	}
	j := newJob(e, "LAUNCH", "FAILBACK", req.Tags, c.now)
	plan := []plannedEvent{{At: c.now.Add(jobStartDelay), Kind: evJobStarted}}
	end := c.now.Add(jobStartDelay)
	for _, r := range insts {
		inst := r.Instance
		j.Job.ParticipatingServers = append(j.Job.ParticipatingServers, participatingSrv{SourceServerID: inst.SourceServerID,
			RecoveryInstanceID: inst.RecoveryInstanceID, LaunchStatus: "PENDING"})
		start := c.now.Add(secs(60 + spread(31, j.Job.JobID, inst.RecoveryInstanceID, "failback")))
		done := start.Add(secs(convBase + spread(convSpread, j.Job.JobID, inst.RecoveryInstanceID, "failback-boot")))
		plan = append(plan, plannedEvent{At: start, Kind: evFailbackLaunchStart, ServerID: inst.SourceServerID, InstanceID: inst.RecoveryInstanceID},
			plannedEvent{At: done, Kind: evFailbackLaunched, ServerID: inst.SourceServerID, InstanceID: inst.RecoveryInstanceID})
		if done.After(end) {
			end = done
		}
		r.Instance.Failback.FailbackJobID = j.Job.JobID
		e.dirtyInstances[inst.RecoveryInstanceID] = true
	}
	plan = append(plan, plannedEvent{At: end.Add(jobEndDelay), Kind: evJobEnd})
	sortPlan(plan)
	j.Plan = plan
	e.addJob(j)
	return map[string]any{"job": j.Job}, nil
}

// applyFailback applies a failback launch job's step.
func (e *estate) applyFailback(j *jobRecord, ev plannedEvent) {
	p := j.participant(ev.ServerID)
	if p == nil {
		return
	}
	detail := &jobLogDetail{SourceServerID: ev.ServerID, TargetInstanceID: ev.InstanceID}
	switch ev.Kind {
	case evFailbackLaunchStart:
		p.LaunchStatus = "IN_PROGRESS"
		j.log(ev.At, "LAUNCH_START", detail)
	case evFailbackLaunched:
		p.LaunchStatus = "LAUNCHED"
		if r, ok := e.instances[ev.InstanceID]; ok && r.Instance.Failback != nil {
			r.Instance.Failback.State = "FAILBACK_COMPLETED"
			e.dirtyInstances[ev.InstanceID] = true
		}
	}
}
