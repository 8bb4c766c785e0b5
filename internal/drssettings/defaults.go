package drssettings

// The values that destroying a settings resource writes back: the
// configuration DRS gives a newly added source server. Values DRS derives
// per server or per account (the configuration name, which is the
// hostname; the staging area subnet; the EC2 launch template) have no
// single default and are left as they are.

// DefaultLaunch is the default launch configuration.
var DefaultLaunch = struct {
	LaunchDisposition    string
	RightSizingMethod    string
	CopyPrivateIP        bool
	CopyTags             bool
	OSByol               bool
	PostLaunchEnabled    bool
	LaunchIntoInstanceID string // "" = launch a new instance
}{
	LaunchDisposition: "STARTED",
	RightSizingMethod: "BASIC",
	OSByol:            true,
}

// DefaultReplication is the default replication configuration. Replicated
// disks keep their device names and boot flags; each goes back to staging
// disk type AUTO without IOPS or throughput.
var DefaultReplication = struct {
	AssociateDefaultSecurityGroup bool
	ReplicationServerInstanceType string
	UseDedicatedReplicationServer bool
	DefaultLargeStagingDiskType   string
	StagingDiskType               string
	EBSEncryption                 string
	BandwidthThrottling           int64
	DataPlaneRouting              string
	CreatePublicIP                bool
	InternetProtocol              string
	AutoReplicateNewDisks         bool
	PITPolicy                     []PITRule
	PITRulesEnabled               bool
}{
	AssociateDefaultSecurityGroup: true,
	ReplicationServerInstanceType: "t3.small",
	DefaultLargeStagingDiskType:   "GP3",
	StagingDiskType:               "AUTO",
	EBSEncryption:                 "DEFAULT",
	DataPlaneRouting:              "PRIVATE_IP",
	InternetProtocol:              "IPV4",
	AutoReplicateNewDisks:         true,
	PITPolicy: []PITRule{
		{RuleID: 1, Units: "MINUTE", Interval: 10, RetentionDuration: 60},
		{RuleID: 2, Units: "HOUR", Interval: 1, RetentionDuration: 24},
		{RuleID: 3, Units: "DAY", Interval: 1, RetentionDuration: 7},
	},
	PITRulesEnabled: true,
}
