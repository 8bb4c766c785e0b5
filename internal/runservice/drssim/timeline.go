package drssim

import (
	"sort"
	"time"
)

// plannedEvent is one step of a job's timeline.
type plannedEvent struct {
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	ServerID   string    `json:"serverID,omitempty"`
	InstanceID string    `json:"instanceID,omitempty"`
	// Launch action runs (launch_runs.go): the action and the outcome
	// its run ends with.
	ActionID string         `json:"actionID,omitempty"`
	Outcome  *actionOutcome `json:"outcome,omitempty"`
}

// Timeline event kinds. Most map to a job log event of the same name.
const (
	evJobStarted      = "JOB_STARTED"
	evSnapshotStart   = "SNAPSHOT_START"
	evUsingPrevious   = "USING_PREVIOUS_SNAPSHOT"
	evSnapshotEnd     = "SNAPSHOT_END"
	evConversionStart = "CONVERSION_START"
	evConversionEnd   = "CONVERSION_END"
	evLaunchStart     = "LAUNCH_START"
	evLaunchEnd       = "LAUNCH_END"
	evTerminateStart  = "TERMINATE_START"
	evTerminated      = "TERMINATED"
	evInstanceRemoved = "INSTANCE_REMOVED"
	evJobEnd          = "JOB_END"
)

// Step durations in simulated seconds: base plus a deterministic
// per-server spread. A launch takes about 8 to 12 minutes from job start.
const (
	jobStartDelay  = 5 * time.Second
	prepBase       = 90
	prepSpread     = 31
	snapshotBase   = 60
	snapshotSpread = 61
	convBase       = 180
	convSpread     = 121
	launchBase     = 120
	launchSpread   = 61
	jobEndDelay    = 10 * time.Second
)

func secs(n int) time.Duration { return time.Duration(n) * time.Second }

// planLaunch lays out a LAUNCH job's timeline from its creation time.
func planLaunch(j *jobRecord, start time.Time) {
	plan := []plannedEvent{{At: start.Add(jobStartDelay), Kind: evJobStarted}}
	end := start.Add(jobStartDelay)
	for _, p := range j.Job.ParticipatingServers {
		id, jid := p.SourceServerID, j.Job.JobID
		t := start.Add(secs(prepBase + spread(prepSpread, jid, id, "prep")))
		if j.Snaps[id] != "" {
			plan = append(plan, plannedEvent{At: t, Kind: evUsingPrevious, ServerID: id})
		} else {
			plan = append(plan, plannedEvent{At: t, Kind: evSnapshotStart, ServerID: id})
			t = t.Add(secs(snapshotBase + spread(snapshotSpread, jid, id, "snapshot")))
			plan = append(plan, plannedEvent{At: t, Kind: evSnapshotEnd, ServerID: id})
		}
		plan = append(plan, plannedEvent{At: t, Kind: evConversionStart, ServerID: id})
		t = t.Add(secs(convBase + spread(convSpread, jid, id, "conversion")))
		plan = append(plan, plannedEvent{At: t, Kind: evConversionEnd, ServerID: id},
			plannedEvent{At: t, Kind: evLaunchStart, ServerID: id})
		t = t.Add(secs(launchBase + spread(launchSpread, jid, id, "launch")))
		plan = append(plan, plannedEvent{At: t, Kind: evLaunchEnd, ServerID: id})
		if t.After(end) {
			end = t
		}
	}
	plan = append(plan, plannedEvent{At: end.Add(jobEndDelay), Kind: evJobEnd})
	sortPlan(plan)
	j.Plan = plan
}

// planTerminate lays out a TERMINATE job: instances shut down, turn
// TERMINATED, and are then removed.
func planTerminate(j *jobRecord, start time.Time) {
	plan := []plannedEvent{{At: start.Add(jobStartDelay), Kind: evJobStarted}}
	end := start.Add(jobStartDelay)
	for _, p := range j.Job.ParticipatingServers {
		id, inst, jid := p.SourceServerID, p.RecoveryInstanceID, j.Job.JobID
		t := start.Add(secs(10 + spread(11, jid, id, "stop")))
		plan = append(plan, plannedEvent{At: t, Kind: evTerminateStart, ServerID: id, InstanceID: inst})
		t = t.Add(secs(30 + spread(31, jid, id, "terminate")))
		plan = append(plan, plannedEvent{At: t, Kind: evTerminated, ServerID: id, InstanceID: inst})
		t = t.Add(30 * time.Second)
		plan = append(plan, plannedEvent{At: t, Kind: evInstanceRemoved, ServerID: id, InstanceID: inst})
		if t.After(end) {
			end = t
		}
	}
	plan = append(plan, plannedEvent{At: end.Add(jobEndDelay), Kind: evJobEnd})
	sortPlan(plan)
	j.Plan = plan
}

func sortPlan(plan []plannedEvent) {
	sort.SliceStable(plan, func(a, b int) bool { return plan[a].At.Before(plan[b].At) })
}

// advanceEstate applies, in time order across jobs, every planned event
// due at or before now.
func (s *Simulator) advanceEstate(e *estate, now time.Time) {
	e.placer, e.runner, e.offset = s.launchPlacer(), s.launchActionRunner(), s.ClockOffset()
	for {
		var next *jobRecord
		for _, j := range e.jobs {
			if j.Next >= len(j.Plan) || j.Plan[j.Next].At.After(now) {
				continue
			}
			if next == nil || j.Plan[j.Next].At.Before(next.Plan[next.Next].At) {
				next = j
			}
		}
		if next == nil {
			e.advanceReplication(now)
			e.advanceFailback(now)
			e.advanceNetworks(now)
			return
		}
		ev := next.Plan[next.Next]
		next.Next++
		e.dirtyJobs[next.Job.JobID] = true
		e.apply(next, ev)
	}
}

// pendingUntil is the time of the last planned event of the estate's
// active jobs.
func (e *estate) pendingUntil() (time.Time, bool) {
	var last time.Time
	found := false
	for _, j := range e.jobs {
		if j.Next < len(j.Plan) {
			if t := j.Plan[len(j.Plan)-1].At; !found || t.After(last) {
				last, found = t, true
			}
		}
	}
	return last, found
}

func (j *jobRecord) participant(serverID string) *participatingSrv {
	for i := range j.Job.ParticipatingServers {
		if j.Job.ParticipatingServers[i].SourceServerID == serverID {
			return &j.Job.ParticipatingServers[i]
		}
	}
	return nil
}

func (j *jobRecord) log(at time.Time, event string, data *jobLogDetail) {
	j.Logs = append(j.Logs, jobLog{LogDateTime: formatTime(at), Event: event, EventData: data})
}

func (e *estate) apply(j *jobRecord, ev plannedEvent) {
	switch ev.Kind {
	case evJobStarted:
		j.Job.Status = "STARTED"
		j.log(ev.At, "JOB_START", nil)
		return
	case evJobEnd:
		j.Job.Status = "COMPLETED"
		j.Job.EndDateTime = formatTime(ev.At)
		j.log(ev.At, "JOB_END", nil)
		return
	case evFailbackLaunchStart, evFailbackLaunched:
		e.applyFailback(j, ev)
		return
	case evNetworkDeployStart, evNetworkDeployEnd, evNetworkTemplates:
		e.applyNetwork(j, ev)
		return
	}
	p := j.participant(ev.ServerID)
	if p == nil || p.LaunchStatus == "FAILED" {
		return // a failed server takes no further steps
	}
	srv := e.byID[ev.ServerID]
	detail := &jobLogDetail{SourceServerID: ev.ServerID}
	switch ev.Kind {
	case evSnapshotStart, evUsingPrevious:
		if srv == nil || !srv.hasReplicatedData() {
			detail.RawError = "source server has not completed its initial sync: no data to launch from"
			j.log(ev.At, "SNAPSHOT_FAIL", detail)
			e.finishLaunch(j, p, srv, "FAILED")
			return
		}
		p.LaunchStatus = "IN_PROGRESS"
		e.setLastLaunchStatus(srv, j, "IN_PROGRESS")
		j.log(ev.At, ev.Kind, detail)
	case evSnapshotEnd, evConversionEnd:
		j.log(ev.At, ev.Kind, detail)
	case evConversionStart:
		detail.ConversionServerID = hashID("i-", 17, j.Job.JobID, ev.ServerID, "conversion")
		j.log(ev.At, ev.Kind, detail)
	case evLaunchStart:
		detail.TargetInstanceID = instanceIDFor(j.Job.JobID, ev.ServerID)
		j.log(ev.At, ev.Kind, detail)
	case evLaunchEnd:
		if srv == nil || srv.FailLaunch {
			detail.RawError = "simulated launch failure: the EC2 instance did not pass its status checks"
			j.log(ev.At, "LAUNCH_FAILED", detail)
			e.finishLaunch(j, p, srv, "FAILED")
			return
		}
		e.launchInstance(j, p, srv, ev.At)
	case evAgentDiscovered, evActionEnd:
		e.applyLaunchAction(j, p, srv, ev)
	case evTerminateStart:
		p.LaunchStatus = "IN_PROGRESS"
		j.log(ev.At, "CLEANUP_START", detail)
		e.setInstanceState(ev.InstanceID, "SHUTTING-DOWN")
	case evTerminated:
		p.LaunchStatus = "TERMINATED"
		j.log(ev.At, "CLEANUP_END", detail)
		e.setInstanceState(ev.InstanceID, "TERMINATED")
	case evInstanceRemoved:
		e.deleteInstance(ev.InstanceID)
		if srv != nil && srv.Server.RecoveryInstanceID == ev.InstanceID {
			srv.Server.RecoveryInstanceID = ""
			e.dirtyServers[srv.Server.SourceServerID] = true
		}
	}
}

func (e *estate) setInstanceState(id, state string) {
	if r, ok := e.instances[id]; ok {
		r.Instance.Ec2InstanceState = state
		e.dirtyInstances[id] = true
	}
}

func (e *estate) setLastLaunchStatus(srv *serverRecord, j *jobRecord, status string) {
	if srv == nil {
		return
	}
	if ll := srv.Server.LifeCycle.LastLaunch; ll != nil && ll.Initiated.JobID == j.Job.JobID {
		ll.Status = status
	}
	e.dirtyServers[srv.Server.SourceServerID] = true
}

// finishLaunch records a server's final launch status on the job and the
// source server.
func (e *estate) finishLaunch(j *jobRecord, p *participatingSrv, srv *serverRecord, status string) {
	p.LaunchStatus = status
	if _, launched := e.instances[p.RecoveryInstanceID]; status == "FAILED" && !launched {
		p.RecoveryInstanceID = "" // a launch that failed after its instance started keeps it (launch actions)
	}
	if srv == nil {
		return
	}
	e.setLastLaunchStatus(srv, j, status)
	if ll := srv.Server.LifeCycle.LastLaunch; ll != nil && ll.Initiated.JobID == j.Job.JobID {
		if status == "LAUNCHED" {
			srv.Server.LastLaunchResult = "SUCCEEDED"
		} else {
			srv.Server.LastLaunchResult = "FAILED"
		}
	}
}

// launchInstance creates the recovery instance of a successful launch. It
// replaces the server's previous recovery instance, as DRS does.
func (e *estate) launchInstance(j *jobRecord, p *participatingSrv, srv *serverRecord, at time.Time) {
	id := instanceIDFor(j.Job.JobID, srv.Server.SourceServerID)
	if old := srv.Server.RecoveryInstanceID; old != "" && old != id {
		e.deleteInstance(old)
	}
	state := "RUNNING"
	if srv.Launch.LaunchDisposition == "STOPPED" {
		state = "STOPPED"
	}
	pit := at
	for _, l := range j.Logs {
		if l.EventData != nil && l.EventData.SourceServerID == srv.Server.SourceServerID && l.Event == "SNAPSHOT_END" {
			pit, _ = time.Parse(wireTime, l.LogDateTime)
		}
	}
	if snap := j.Snaps[srv.Server.SourceServerID]; snap != "" {
		if t, ok := snapshotTime(srv, snap, at); ok {
			pit = t
		}
	}
	props := srv.Server.SourceProperties
	var disks []recoveryInstanceDisk
	for _, d := range props.Disks {
		disks = append(disks, recoveryInstanceDisk{InternalDeviceName: d.DeviceName, Bytes: d.Bytes,
			// The model's EbsVolumeID is vol- and 8 or 17 hex digits but at
			// most 19 characters: only the 8-digit form satisfies both.
			EbsVolumeID: hashID("vol-", 8, id, d.DeviceName)})
	}
	tags := map[string]string{}
	if srv.Launch.CopyTags {
		for k, v := range srv.Server.Tags {
			tags[k] = v
		}
	}
	origin, originAZ := "ON_PREMISES", ""
	if cp := srv.Server.SourceCloudProperties; cp != nil {
		origin, originAZ = "AWS", cp.OriginAvailabilityZone
	}
	hints := identificationHints{Hostname: props.IdentificationHints.Hostname, Fqdn: props.IdentificationHints.Fqdn, AwsInstanceID: id}
	inst := recoveryInstance{
		Ec2InstanceID:      id,
		Ec2InstanceState:   state,
		JobID:              j.Job.JobID,
		RecoveryInstanceID: id,
		SourceServerID:     srv.Server.SourceServerID,
		Arn:                arnFor(e.key, "recovery-instance", id),
		Tags:               tags,
		RecoveryInstanceProperties: recoveryInstanceProperties{
			LastUpdatedDateTime: formatTime(at),
			IdentificationHints: hints,
			NetworkInterfaces:   props.NetworkInterfaces,
			Disks:               disks,
			Cpus:                props.Cpus,
			RAMBytes:            props.RAMBytes,
			OS:                  props.OS,
		},
		PointInTimeSnapshotDateTime: formatTime(pit),
		IsDrill:                     j.IsDrill,
		OriginEnvironment:           origin,
		OriginAvailabilityZone:      originAZ,
		AgentVersion:                srv.Server.AgentVersion,
	}
	e.place(srv, id, &inst)
	e.putInstance(&instanceRecord{Seq: e.nextSeq(), Instance: inst})
	p.RecoveryInstanceID = id
	srv.Server.RecoveryInstanceID = id
	if e.startLaunchActions(j, p, srv, at) {
		e.finishLaunch(j, p, srv, "LAUNCHED")
	}
}
