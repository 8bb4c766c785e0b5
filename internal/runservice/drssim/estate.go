package drssim

import (
	"fmt"
	"sync"
	"time"
)

// estateKey identifies one simulated DRS estate: an account and a region.
type estateKey struct {
	Account string
	Region  string
}

func (k estateKey) String() string { return k.Account + "/" + k.Region }

// serverRecord is a source server with its configurations and simulator
// knobs.
type serverRecord struct {
	Ord         int64                    `json:"ord"`
	Server      sourceServer             `json:"server"`
	Launch      launchConfiguration      `json:"launch"`
	Replication replicationConfiguration `json:"replication"`
	FailLaunch  bool                     `json:"failLaunch,omitempty"`
	Actions     []launchAction           `json:"actions,omitempty"`
	Replicating *replicationRun          `json:"replicating,omitempty"`
	// Disconnected: DisconnectSourceServer was called (the agent is gone).
	Disconnected bool      `json:"disconnected,omitempty"`
	LagSeconds   int64     `json:"lagSeconds"`
	AddedAt      time.Time `json:"addedAt"`
}

// jobRecord is a job, its log and its planned timeline. Events whose time
// has come are applied in order; Next is the first one not applied yet.
type jobRecord struct {
	Seq     int64             `json:"seq"`
	Job     job               `json:"job"`
	IsDrill bool              `json:"isDrill"`
	Logs    []jobLog          `json:"logs"`
	Plan    []plannedEvent    `json:"plan"`
	Next    int               `json:"next"`
	Snaps   map[string]string `json:"snaps,omitempty"` // server -> requested recovery snapshot ID
}

func (j *jobRecord) active() bool { return j.Job.Status != "COMPLETED" }

type instanceRecord struct {
	Seq      int64            `json:"seq"`
	Instance recoveryInstance `json:"instance"`
	Failback *failbackConfig  `json:"failbackConfig,omitempty"`
	// FailbackRun is the failback replication the Failback Client drives.
	FailbackRun *replicationRun `json:"failbackRun,omitempty"`
	// ReversedArn is the source server ReverseReplication created in the
	// origin region.
	ReversedArn string `json:"reversedArn,omitempty"`
}

// estate is one account+region. Every field is guarded by mu; changes are
// marked dirty and written to the store before the lock is released.
type estate struct {
	mu          sync.Mutex
	key         estateKey
	initialized bool
	quotas      map[string]int // overrides of quotaDefs
	faults      Faults
	seq         int64 // last job/instance sequence number
	ord         int64 // last server order

	servers   []*serverRecord
	byID      map[string]*serverRecord
	jobs      []*jobRecord
	jobByID   map[string]*jobRecord
	instances map[string]*instanceRecord
	templates templateStore // launch and replication configuration templates (templates.go)

	requests int64              // for deterministic throttling; not persisted
	placer   LaunchPlacer       // set by advanceEstate; not persisted
	runner   LaunchActionRunner // set by advanceEstate; not persisted
	offset   time.Duration      // DRS's clock offset, set by advanceEstate

	dirtyMeta      bool
	dirtyServers   map[string]bool
	deletedServers map[string]bool
	dirtyJobs      map[string]bool
	deletedJobs    map[string]bool
	dirtyInstances map[string]bool
	deletedInst    map[string]bool
}

func newEstate(k estateKey) *estate {
	e := &estate{key: k, quotas: map[string]int{}, byID: map[string]*serverRecord{},
		jobByID: map[string]*jobRecord{}, instances: map[string]*instanceRecord{}}
	e.resetDirty()
	return e
}

func (e *estate) resetDirty() {
	e.dirtyMeta = false
	e.dirtyServers = map[string]bool{}
	e.deletedServers = map[string]bool{}
	e.dirtyJobs = map[string]bool{}
	e.deletedJobs = map[string]bool{}
	e.dirtyInstances = map[string]bool{}
	e.deletedInst = map[string]bool{}
}

func (e *estate) quota(code string) int {
	if v, ok := e.quotas[code]; ok {
		return v
	}
	q, _ := quotaByCode(code)
	return q.Default
}

func (e *estate) addServer(r *serverRecord) {
	e.servers = append(e.servers, r)
	e.byID[r.Server.SourceServerID] = r
	e.dirtyServers[r.Server.SourceServerID] = true
}

func (e *estate) addJob(j *jobRecord) {
	e.jobs = append(e.jobs, j)
	e.jobByID[j.Job.JobID] = j
	e.dirtyJobs[j.Job.JobID] = true
}

func (e *estate) deleteJob(id string) {
	delete(e.jobByID, id)
	for i, j := range e.jobs {
		if j.Job.JobID == id {
			e.jobs = append(e.jobs[:i], e.jobs[i+1:]...)
			break
		}
	}
	delete(e.dirtyJobs, id)
	e.deletedJobs[id] = true
}

func (e *estate) putInstance(r *instanceRecord) {
	id := r.Instance.RecoveryInstanceID
	e.instances[id] = r
	e.dirtyInstances[id] = true
	delete(e.deletedInst, id)
}

func (e *estate) deleteInstance(id string) {
	if e.placer != nil {
		e.placer.Terminated(e.key.Account, e.key.Region, id)
	}
	delete(e.instances, id)
	delete(e.dirtyInstances, id)
	e.deletedInst[id] = true
}

// busyWith returns an active job of a source server when the server may
// not join another one (quota L-DD6D028C, concurrent jobs per server).
func (e *estate) busyWith(serverID string) *jobRecord {
	var first *jobRecord
	n := 0
	for _, j := range e.jobs {
		if j.active() && j.participant(serverID) != nil {
			if first == nil {
				first = j
			}
			n++
		}
	}
	if n >= max(e.quota(QuotaJobsPerServer), 1) {
		return first
	}
	return nil
}

func (e *estate) activeJobs() (jobs, servers int) {
	for _, j := range e.jobs {
		if j.active() {
			jobs++
			servers += len(j.Job.ParticipatingServers)
		}
	}
	return jobs, servers
}

func (e *estate) nextSeq() int64 {
	e.seq++
	e.dirtyMeta = true
	return e.seq
}

// newServer builds a source server with the defaults DRS gives a freshly
// added server.
func (e *estate) newServer(spec ServerSpec, now time.Time) *serverRecord {
	e.ord++
	e.dirtyMeta = true
	k := e.key
	id := spec.SourceServerID
	if id == "" {
		id = sourceServerIDFor(k, spec.Hostname)
	}
	osName, osFull := "LINUX", "Linux version 5.15.0-1051-aws (Ubuntu 22.04.3 LTS)"
	if spec.OS == "WINDOWS" {
		osName, osFull = "WINDOWS", "Microsoft Windows Server 2022 Datacenter"
	}
	disks := spec.Disks
	if len(disks) == 0 {
		dev := "/dev/sda1"
		if osName == "WINDOWS" {
			dev = "C:"
		}
		disks = []DiskSpec{{DeviceName: dev, Bytes: gib(100)}}
	}
	state := spec.ReplicationState
	if state == "" {
		state = "CONTINUOUS"
	}
	lag := int64(5)
	switch state {
	case "STALLED", "DISCONNECTED":
		lag = 3600
	case "BACKLOG":
		lag = 600
	}
	if spec.LagSeconds != nil {
		lag = *spec.LagSeconds
	}
	itype := spec.RecommendedInstanceType
	if itype == "" {
		itype = "m5.large"
	}
	tags := map[string]string{}
	for k, v := range spec.Tags {
		tags[k] = v
	}
	added := now.Add(-30 * 24 * time.Hour)
	n := e.ord
	mac := fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", spread(256, id, "m1"), spread(256, id, "m2"), spread(256, id, "m3"), spread(256, id, "m4"), spread(256, id, "m5"))
	ip := fmt.Sprintf("10.%d.%d.%d", 10+spread(200, id, "ip1"), n/250%250, 1+n%250)

	var sdisks []disk
	var repl []replicatedDiskInfo
	var settings []replicatedDiskSetting
	for i, d := range disks {
		sdisks = append(sdisks, disk(d))
		replicated := d.Bytes
		var backlog int64
		switch state {
		case "INITIATING", "STOPPED":
			replicated = 0
		case "INITIAL_SYNC":
			replicated = d.Bytes * 2 / 5
		case "BACKLOG":
			backlog = d.Bytes / 50
		}
		repl = append(repl, replicatedDiskInfo{DeviceName: d.DeviceName, TotalStorageBytes: d.Bytes,
			ReplicatedStorageBytes: replicated, BackloggedStorageBytes: backlog, VolumeStatus: "REGULAR"})
		settings = append(settings, replicatedDiskSetting{DeviceName: d.DeviceName, IsBootDisk: i == 0,
			StagingDiskType: "AUTO", OptimizedStagingDiskType: "GP3"})
	}
	r := &serverRecord{
		Ord:        e.ord,
		FailLaunch: spec.FailLaunch,
		LagSeconds: lag,
		AddedAt:    added,
		Server: sourceServer{
			SourceServerID:   id,
			Arn:              arnFor(k, "source-server", id),
			Tags:             tags,
			LastLaunchResult: "NOT_STARTED",
			DataReplicationInfo: dataReplicationInfo{
				ReplicatedDisks:         repl,
				DataReplicationState:    state,
				StagingAvailabilityZone: k.Region + "a",
			},
			LifeCycle: lifeCycle{
				AddedToServiceDateTime: formatTime(added),
			},
			SourceProperties: sourceProperties{
				LastUpdatedDateTime:     formatTime(added),
				RecommendedInstanceType: itype,
				IdentificationHints:     identificationHints{Hostname: spec.Hostname, Fqdn: spec.Hostname + ".corp.example.com"},
				NetworkInterfaces:       []networkInterface{{MacAddress: mac, Ips: []string{ip}, IsPrimary: true}},
				Disks:                   sdisks,
				Cpus:                    []cpu{{Cores: 2, ModelName: "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz"}},
				RAMBytes:                gib(8),
				OS:                      osInfo{FullString: osFull},
				SupportsNitroInstances:  true,
			},
			StagingArea:          stagingArea{Status: "NOT_EXTENDED"},
			ReplicationDirection: "FAILOVER",
			AgentVersion:         "4.6.1081.221",
		},
		Launch:      defaultLaunchConfiguration(id, spec.Hostname),
		Replication: defaultReplicationConfiguration(k, id, settings),
	}
	if state != "INITIATING" {
		r.Server.LifeCycle.FirstByteDateTime = formatTime(added.Add(10 * time.Minute))
	}
	switch state {
	case "STALLED":
		r.Server.DataReplicationInfo.DataReplicationError = &dataReplicationError{Error: "UNSTABLE_NETWORK",
			RawError: "replication server lost its connection to the agent"}
	case "DISCONNECTED":
		r.Server.DataReplicationInfo.DataReplicationError = &dataReplicationError{Error: "AGENT_NOT_SEEN"}
	}
	if spec.SourceRegion != "" {
		r.Server.SourceCloudProperties = &sourceCloudProperties{OriginAccountID: k.Account, OriginRegion: spec.SourceRegion,
			OriginAvailabilityZone: spec.SourceRegion + "a"}
		r.Server.SourceProperties.IdentificationHints.AwsInstanceID = hashID("i-", 17, k.Account, spec.SourceRegion, "ec2", spec.Hostname)
	}
	e.applyLaunchTemplate(r)
	e.applyReplicationTemplate(r)
	return r
}

// defaultLaunchConfiguration is what DRS sets up for a new source server.
func defaultLaunchConfiguration(id, hostname string) launchConfiguration {
	return launchConfiguration{
		SourceServerID:                      id,
		Name:                                hostname,
		Ec2LaunchTemplateID:                 hashID("lt-", 17, id, "launch-template"),
		LaunchDisposition:                   "STARTED",
		TargetInstanceTypeRightSizingMethod: "BASIC",
		CopyPrivateIP:                       false,
		CopyTags:                            false,
		Licensing:                           licensing{OsByol: true},
		PostLaunchEnabled:                   false,
	}
}

// defaultReplicationConfiguration is the default replication template.
func defaultReplicationConfiguration(k estateKey, id string, disks []replicatedDiskSetting) replicationConfiguration {
	return replicationConfiguration{
		SourceServerID:                     id,
		StagingAreaSubnetID:                hashID("subnet-", 17, k.Account, k.Region, "staging-subnet"),
		AssociateDefaultSecurityGroup:      true,
		ReplicationServersSecurityGroupIDs: []string{},
		ReplicationServerInstanceType:      "t3.small",
		DefaultLargeStagingDiskType:        "GP3",
		ReplicatedDisks:                    disks,
		EbsEncryption:                      "DEFAULT",
		DataPlaneRouting:                   "PRIVATE_IP",
		StagingAreaTags:                    map[string]string{},
		PitPolicy: []pitPolicyRule{
			{RuleID: 1, Units: "MINUTE", Interval: 10, RetentionDuration: 60, Enabled: true},
			{RuleID: 2, Units: "HOUR", Interval: 1, RetentionDuration: 24, Enabled: true},
			{RuleID: 3, Units: "DAY", Interval: 1, RetentionDuration: 7, Enabled: true},
		},
		AutoReplicateNewDisks: true,
		InternetProtocol:      "IPV4",
	}
}

// hasReplicatedData reports whether a launch can use the server's data:
// a server that never finished its initial sync has nothing to launch.
func (r *serverRecord) hasReplicatedData() bool {
	switch r.Server.DataReplicationInfo.DataReplicationState {
	case "INITIATING", "INITIAL_SYNC":
		return false
	}
	return true
}

// seed fills a fresh estate from its inventory entry.
func (e *estate) seed(spec EstateSpec, now time.Time) {
	e.initialized = true
	e.dirtyMeta = true
	for code, v := range spec.Quotas {
		e.quotas[code] = v
	}
	if spec.Faults != nil {
		e.faults = *spec.Faults
	}
	for _, s := range spec.Servers {
		e.addServer(e.newServer(s, now))
	}
	if g := spec.Generate; g != nil {
		e.generate(*g, now)
	}
}

// generate adds g.Count servers with readable, unique host names.
func (e *estate) generate(g GenerateSpec, now time.Time) []string {
	prefix := g.HostnamePrefix
	if prefix == "" {
		prefix = "gen"
	}
	var ids []string
	for i, n := 0, 1; i < g.Count; n++ {
		host := fmt.Sprintf("%s-%04d", prefix, n)
		id := sourceServerIDFor(e.key, host)
		if _, taken := e.byID[id]; taken {
			continue
		}
		r := e.newServer(ServerSpec{Hostname: host, Tags: g.Tags}, now)
		e.addServer(r)
		ids = append(ids, id)
		i++
	}
	return ids
}
