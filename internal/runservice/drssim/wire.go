package drssim

// Wire shapes of the DRS restJson1 API (botocore drs/2020-02-26). Field
// names are the model's member names; optional members are omitted when
// empty, as DRS does.

type sourceServer struct {
	SourceServerID       string              `json:"sourceServerID"`
	Arn                  string              `json:"arn"`
	Tags                 map[string]string   `json:"tags"`
	RecoveryInstanceID   string              `json:"recoveryInstanceId,omitempty"`
	LastLaunchResult     string              `json:"lastLaunchResult"`
	DataReplicationInfo  dataReplicationInfo `json:"dataReplicationInfo"`
	LifeCycle            lifeCycle           `json:"lifeCycle"`
	SourceProperties     sourceProperties    `json:"sourceProperties"`
	StagingArea          stagingArea         `json:"stagingArea"`
	ReplicationDirection string              `json:"replicationDirection"`
	AgentVersion         string              `json:"agentVersion,omitempty"`
	// EC2-originated servers (cross-region DR) and their reversed twins.
	SourceCloudProperties            *sourceCloudProperties `json:"sourceCloudProperties,omitempty"`
	ReversedDirectionSourceServerArn string                 `json:"reversedDirectionSourceServerArn,omitempty"`
}

type sourceCloudProperties struct {
	OriginAccountID        string `json:"originAccountID"`
	OriginRegion           string `json:"originRegion"`
	OriginAvailabilityZone string `json:"originAvailabilityZone"`
}

type dataReplicationInfo struct {
	LagDuration             string                   `json:"lagDuration,omitempty"`
	EtaDateTime             string                   `json:"etaDateTime,omitempty"`
	ReplicatedDisks         []replicatedDiskInfo     `json:"replicatedDisks"`
	DataReplicationState    string                   `json:"dataReplicationState"`
	DataReplicationError    *dataReplicationError    `json:"dataReplicationError,omitempty"`
	StagingAvailabilityZone string                   `json:"stagingAvailabilityZone,omitempty"`
	DataReplicationInit     *dataReplicationInitInfo `json:"dataReplicationInitiation,omitempty"`
}

type dataReplicationInitInfo struct {
	StartDateTime string `json:"startDateTime,omitempty"`
}

type replicatedDiskInfo struct {
	DeviceName             string `json:"deviceName"`
	TotalStorageBytes      int64  `json:"totalStorageBytes"`
	ReplicatedStorageBytes int64  `json:"replicatedStorageBytes"`
	RescannedStorageBytes  int64  `json:"rescannedStorageBytes"`
	BackloggedStorageBytes int64  `json:"backloggedStorageBytes"`
	VolumeStatus           string `json:"volumeStatus,omitempty"`
}

type dataReplicationError struct {
	Error    string `json:"error"`
	RawError string `json:"rawError,omitempty"`
}

type lifeCycle struct {
	AddedToServiceDateTime     string           `json:"addedToServiceDateTime,omitempty"`
	FirstByteDateTime          string           `json:"firstByteDateTime,omitempty"`
	ElapsedReplicationDuration string           `json:"elapsedReplicationDuration,omitempty"`
	LastSeenByServiceDateTime  string           `json:"lastSeenByServiceDateTime,omitempty"`
	LastLaunch                 *lifeCycleLaunch `json:"lastLaunch,omitempty"`
}

type lifeCycleLaunch struct {
	Initiated lifeCycleLaunchInitiated `json:"initiated"`
	Status    string                   `json:"status"`
}

type lifeCycleLaunchInitiated struct {
	APICallDateTime string `json:"apiCallDateTime"`
	JobID           string `json:"jobID"`
	Type            string `json:"type"`
}

type sourceProperties struct {
	LastUpdatedDateTime     string              `json:"lastUpdatedDateTime,omitempty"`
	RecommendedInstanceType string              `json:"recommendedInstanceType,omitempty"`
	IdentificationHints     identificationHints `json:"identificationHints"`
	NetworkInterfaces       []networkInterface  `json:"networkInterfaces"`
	Disks                   []disk              `json:"disks"`
	Cpus                    []cpu               `json:"cpus"`
	RAMBytes                int64               `json:"ramBytes"`
	OS                      osInfo              `json:"os"`
	SupportsNitroInstances  bool                `json:"supportsNitroInstances"`
}

type identificationHints struct {
	Fqdn          string `json:"fqdn,omitempty"`
	Hostname      string `json:"hostname,omitempty"`
	AwsInstanceID string `json:"awsInstanceID,omitempty"`
}

type networkInterface struct {
	MacAddress string   `json:"macAddress"`
	Ips        []string `json:"ips"`
	IsPrimary  bool     `json:"isPrimary"`
}

type disk struct {
	DeviceName string `json:"deviceName"`
	Bytes      int64  `json:"bytes"`
}

type cpu struct {
	Cores     int64  `json:"cores"`
	ModelName string `json:"modelName"`
}

type osInfo struct {
	FullString string `json:"fullString"`
}

type stagingArea struct {
	Status                 string `json:"status"`
	StagingAccountID       string `json:"stagingAccountID,omitempty"`
	StagingSourceServerArn string `json:"stagingSourceServerArn,omitempty"`
}

type launchConfiguration struct {
	SourceServerID                      string                        `json:"sourceServerID"`
	Name                                string                        `json:"name"`
	Ec2LaunchTemplateID                 string                        `json:"ec2LaunchTemplateID"`
	LaunchDisposition                   string                        `json:"launchDisposition"`
	TargetInstanceTypeRightSizingMethod string                        `json:"targetInstanceTypeRightSizingMethod"`
	CopyPrivateIP                       bool                          `json:"copyPrivateIp"`
	CopyTags                            bool                          `json:"copyTags"`
	Licensing                           licensing                     `json:"licensing"`
	PostLaunchEnabled                   bool                          `json:"postLaunchEnabled"`
	LaunchIntoInstanceProperties        *launchIntoInstanceProperties `json:"launchIntoInstanceProperties,omitempty"`
}

type licensing struct {
	OsByol bool `json:"osByol"`
}

type launchIntoInstanceProperties struct {
	LaunchIntoEC2InstanceID string `json:"launchIntoEC2InstanceID,omitempty"`
}

type replicationConfiguration struct {
	SourceServerID                     string                  `json:"sourceServerID"`
	Name                               string                  `json:"name"`
	StagingAreaSubnetID                string                  `json:"stagingAreaSubnetId"`
	AssociateDefaultSecurityGroup      bool                    `json:"associateDefaultSecurityGroup"`
	ReplicationServersSecurityGroupIDs []string                `json:"replicationServersSecurityGroupsIDs"`
	ReplicationServerInstanceType      string                  `json:"replicationServerInstanceType"`
	UseDedicatedReplicationServer      bool                    `json:"useDedicatedReplicationServer"`
	DefaultLargeStagingDiskType        string                  `json:"defaultLargeStagingDiskType"`
	ReplicatedDisks                    []replicatedDiskSetting `json:"replicatedDisks"`
	EbsEncryption                      string                  `json:"ebsEncryption"`
	EbsEncryptionKeyArn                string                  `json:"ebsEncryptionKeyArn,omitempty"`
	BandwidthThrottling                int64                   `json:"bandwidthThrottling"`
	DataPlaneRouting                   string                  `json:"dataPlaneRouting"`
	CreatePublicIP                     bool                    `json:"createPublicIP"`
	StagingAreaTags                    map[string]string       `json:"stagingAreaTags"`
	PitPolicy                          []pitPolicyRule         `json:"pitPolicy"`
	AutoReplicateNewDisks              bool                    `json:"autoReplicateNewDisks"`
	InternetProtocol                   string                  `json:"internetProtocol"`
}

type replicatedDiskSetting struct {
	DeviceName               string `json:"deviceName"`
	IsBootDisk               bool   `json:"isBootDisk"`
	StagingDiskType          string `json:"stagingDiskType"`
	Iops                     int64  `json:"iops,omitempty"`
	Throughput               int64  `json:"throughput,omitempty"`
	OptimizedStagingDiskType string `json:"optimizedStagingDiskType,omitempty"`
}

type pitPolicyRule struct {
	RuleID            int64  `json:"ruleID"`
	Units             string `json:"units"`
	Interval          int32  `json:"interval"`
	RetentionDuration int32  `json:"retentionDuration"`
	Enabled           bool   `json:"enabled"`
}

type job struct {
	JobID                string             `json:"jobID"`
	Arn                  string             `json:"arn"`
	Type                 string             `json:"type"`
	InitiatedBy          string             `json:"initiatedBy"`
	CreationDateTime     string             `json:"creationDateTime"`
	EndDateTime          string             `json:"endDateTime,omitempty"`
	Status               string             `json:"status"`
	ParticipatingServers []participatingSrv `json:"participatingServers"`
	Tags                 map[string]string  `json:"tags"`
	// Network recovery jobs (networks_recovery.go).
	ParticipatingResources []participatingResource `json:"participatingResources,omitempty"`
}

type participatingResource struct {
	ParticipatingResourceID participatingResourceID `json:"participatingResourceID"`
	LaunchStatus            string                  `json:"launchStatus"`
}

type participatingResourceID struct {
	SourceNetworkID string `json:"sourceNetworkID"`
}

type participatingSrv struct {
	SourceServerID      string               `json:"sourceServerID"`
	RecoveryInstanceID  string               `json:"recoveryInstanceID,omitempty"`
	LaunchStatus        string               `json:"launchStatus"`
	LaunchActionsStatus *launchActionsStatus `json:"launchActionsStatus,omitempty"`
}

type jobLog struct {
	LogDateTime string        `json:"logDateTime"`
	Event       string        `json:"event"`
	EventData   *jobLogDetail `json:"eventData,omitempty"`
}

type jobLogDetail struct {
	SourceServerID     string `json:"sourceServerID,omitempty"`
	ConversionServerID string `json:"conversionServerID,omitempty"`
	TargetInstanceID   string `json:"targetInstanceID,omitempty"`
	RawError           string `json:"rawError,omitempty"`
}

type recoveryInstance struct {
	Ec2InstanceID               string                               `json:"ec2InstanceID"`
	Ec2InstanceState            string                               `json:"ec2InstanceState"`
	JobID                       string                               `json:"jobID"`
	RecoveryInstanceID          string                               `json:"recoveryInstanceID"`
	SourceServerID              string                               `json:"sourceServerID"`
	Arn                         string                               `json:"arn"`
	Tags                        map[string]string                    `json:"tags"`
	RecoveryInstanceProperties  recoveryInstanceProperties           `json:"recoveryInstanceProperties"`
	PointInTimeSnapshotDateTime string                               `json:"pointInTimeSnapshotDateTime,omitempty"`
	IsDrill                     bool                                 `json:"isDrill"`
	OriginEnvironment           string                               `json:"originEnvironment"`
	Failback                    *recoveryInstanceFailback            `json:"failback,omitempty"`
	OriginAvailabilityZone      string                               `json:"originAvailabilityZone,omitempty"`
	DataReplicationInfo         *recoveryInstanceDataReplicationInfo `json:"dataReplicationInfo,omitempty"`
	AgentVersion                string                               `json:"agentVersion,omitempty"`
}

type recoveryInstanceProperties struct {
	LastUpdatedDateTime string                 `json:"lastUpdatedDateTime"`
	IdentificationHints identificationHints    `json:"identificationHints"`
	NetworkInterfaces   []networkInterface     `json:"networkInterfaces"`
	Disks               []recoveryInstanceDisk `json:"disks"`
	Cpus                []cpu                  `json:"cpus"`
	RAMBytes            int64                  `json:"ramBytes"`
	OS                  osInfo                 `json:"os"`
}

type recoveryInstanceDisk struct {
	InternalDeviceName string `json:"internalDeviceName"`
	Bytes              int64  `json:"bytes"`
	EbsVolumeID        string `json:"ebsVolumeID"`
}

type recoverySnapshot struct {
	SnapshotID        string   `json:"snapshotID"`
	SourceServerID    string   `json:"sourceServerID"`
	ExpectedTimestamp string   `json:"expectedTimestamp"`
	Timestamp         string   `json:"timestamp"`
	EbsSnapshots      []string `json:"ebsSnapshots"`
}

// Enumerations from the model that requests are checked against.
var (
	enumLaunchDisposition = []string{"STOPPED", "STARTED"}
	enumRightSizing       = []string{"NONE", "BASIC", "IN_AWS"}
	enumLargeStagingDisk  = []string{"GP2", "GP3", "ST1", "AUTO"}
	enumStagingDisk       = []string{"AUTO", "GP2", "GP3", "IO1", "SC1", "ST1", "STANDARD"}
	enumEbsEncryption     = []string{"DEFAULT", "CUSTOM", "NONE"}
	enumDataPlaneRouting  = []string{"PRIVATE_IP", "PUBLIC_IP"}
	enumPitUnits          = []string{"MINUTE", "HOUR", "DAY"}
	enumInternetProtocol  = []string{"IPV4", "IPV6"}
	enumSnapshotOrder     = []string{"ASC", "DESC"}
	enumReplicationStates = []string{"STOPPED", "INITIATING", "INITIAL_SYNC", "BACKLOG", "CREATING_SNAPSHOT", "CONTINUOUS", "PAUSED", "RESCAN", "STALLED", "DISCONNECTED"}
)
