package acctest

// The inventory file format of `drsorch serve --inventory`, as far as the
// acceptance tests use it. The run service is the authority on the format;
// these types only write it.

// Inventory is a set of simulated estates.
type Inventory struct {
	Estates []Estate `json:"estates"`
}

// Estate is one account and region.
type Estate struct {
	Account  string         `json:"account,omitempty"`
	Region   string         `json:"region"`
	Quotas   map[string]int `json:"quotas,omitempty"`
	Generate *Generate      `json:"generate,omitempty"`
	Servers  []Server       `json:"servers,omitempty"`
	Faults   *Faults        `json:"faults,omitempty"`
}

// Generate adds Count servers named <HostnamePrefix>-0001 ….
type Generate struct {
	Count          int               `json:"count"`
	HostnamePrefix string            `json:"hostnamePrefix,omitempty"`
	Tags           map[string]string `json:"tags,omitempty"`
}

// Server is one source server.
type Server struct {
	SourceServerID   string            `json:"sourceServerID,omitempty"`
	Hostname         string            `json:"hostname"`
	Tags             map[string]string `json:"tags,omitempty"`
	ReplicationState string            `json:"replicationState,omitempty"`
	LagSeconds       *int64            `json:"lagSeconds,omitempty"`
	FailLaunch       bool              `json:"failLaunch,omitempty"`
}

// Faults injected into an estate's DRS API.
type Faults struct {
	ThrottlePercent int `json:"throttlePercent,omitempty"`
	LatencyMs       int `json:"latencyMs,omitempty"`
}
