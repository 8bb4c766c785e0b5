package drssim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// Inventory is the simulated estate file (`drsorch serve --inventory`).
// An estate it lists is seeded into the store the first time the service
// sees it; later starts keep what the store holds.
type Inventory struct {
	Estates []EstateSpec `json:"estates"`
	// DRSClockOffset puts the simulated DRS's clock ahead of the run
	// service's clock ("10m"), or behind it ("-10m"), to test clock skew.
	DRSClockOffset string `json:"drsClockOffset,omitempty"`
	// WireFaults are HTTP 5xx answers and connection resets on any API
	// the run service serves (package wirefault).
	WireFaults []wirefault.Rule `json:"wireFaults,omitempty"`
	// DisabledRegions are opt-in regions accounts have not enabled: every
	// API call an account signs for one of them is refused as AWS refuses
	// it (awswire.DisabledRegions).
	DisabledRegions []DisabledRegionsSpec `json:"disabledRegions,omitempty"`
}

// DisabledRegionsSpec lists the opt-in regions one account has not
// enabled (drsapi.OptInRegions; regions enabled by default cannot be
// disabled).
type DisabledRegionsSpec struct {
	Account string   `json:"account,omitempty"`
	Regions []string `json:"regions"`
}

// EstateSpec is one account and region.
type EstateSpec struct {
	Account  string         `json:"account,omitempty"`
	Region   string         `json:"region"`
	Quotas   map[string]int `json:"quotas,omitempty"`
	Generate *GenerateSpec  `json:"generate,omitempty"`
	Servers  []ServerSpec   `json:"servers,omitempty"`
	Faults   *Faults        `json:"faults,omitempty"`
	// EC2 is the recovery region's network and instance types, read by
	// the EC2 simulator (package ec2sim); absent: its default network.
	EC2 json.RawMessage `json:"ec2,omitempty"`
}

// GenerateSpec adds Count servers named <hostnamePrefix>-0001 ….
type GenerateSpec struct {
	Count          int               `json:"count"`
	HostnamePrefix string            `json:"hostnamePrefix,omitempty"`
	Tags           map[string]string `json:"tags,omitempty"`
}

// ServerSpec is one source server.
type ServerSpec struct {
	SourceServerID          string            `json:"sourceServerID,omitempty"`
	Hostname                string            `json:"hostname"`
	Tags                    map[string]string `json:"tags,omitempty"`
	OS                      string            `json:"os,omitempty"`
	ReplicationState        string            `json:"replicationState,omitempty"`
	LagSeconds              *int64            `json:"lagSeconds,omitempty"`
	RecommendedInstanceType string            `json:"recommendedInstanceType,omitempty"`
	Disks                   []DiskSpec        `json:"disks,omitempty"`
	FailLaunch              bool              `json:"failLaunch,omitempty"`
	// SourceRegion makes the server an EC2 instance of the same account in
	// another region (cross-region DR): its recovery instances can be
	// replicated back with ReverseReplication.
	SourceRegion string `json:"sourceRegion,omitempty"`
}

// DiskSpec is one disk of a source server.
type DiskSpec struct {
	DeviceName string `json:"deviceName"`
	Bytes      int64  `json:"bytes"`
}

// Faults injected into an estate's DRS API.
type Faults struct {
	// ThrottlePercent of requests answer ThrottlingException, spread evenly
	// and deterministically (50 throttles every second request).
	ThrottlePercent int `json:"throttlePercent"`
	// LatencyMs of wall-clock delay added to every request.
	LatencyMs int `json:"latencyMs"`
	// LoseAnswer drops the answers of the next N successful calls of an
	// operation after DRS carried them out ({"StartRecovery": 1}): the
	// caller sees a broken connection and cannot know the outcome.
	LoseAnswer map[string]int `json:"loseAnswer,omitempty"`
	// Errors are failures AWS has and the DRS model does not list
	// (faults.go).
	Errors []OperationFault `json:"errors,omitempty"`
}

const maxGenerated = 20000

var (
	reRegion   = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`)
	reHostname = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$`)
)

// LoadInventory reads and checks an inventory file.
func LoadInventory(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	inv, err := ParseInventory(data)
	if err != nil {
		return nil, fmt.Errorf("inventory %s: %w", path, err)
	}
	return inv, nil
}

// ParseInventory decodes and validates inventory JSON; errors name the
// JSON field at fault.
func ParseInventory(data []byte) (*Inventory, error) {
	var inv Inventory
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&inv); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr):
			return nil, fmt.Errorf("field %q: expected %s, got JSON %s", typeErr.Field, typeErr.Type, typeErr.Value)
		case errors.As(err, &syntaxErr):
			return nil, fmt.Errorf("not valid JSON at byte %d: %v", syntaxErr.Offset, err)
		case errors.Is(err, io.EOF):
			return nil, errors.New(`empty file: expected {"estates": [...]}`)
		default:
			return nil, fmt.Errorf("%v (see the inventory format in the drssim package documentation)", err)
		}
	}
	if err := inv.validate(); err != nil {
		return nil, err
	}
	return &inv, nil
}

func (inv *Inventory) validate() error {
	if len(inv.Estates) == 0 {
		return errors.New(`field "estates": list at least one estate`)
	}
	if _, err := parseClockOffset(inv.DRSClockOffset); err != nil {
		return err
	}
	seen := map[estateKey]bool{}
	disabled, err := inv.validateDisabledRegions()
	if err != nil {
		return err
	}
	for i := range inv.Estates {
		e := &inv.Estates[i]
		at := fmt.Sprintf("estates[%d]", i)
		if e.Account == "" {
			e.Account = awswire.DefaultAccount
		}
		if !reAccountID.MatchString(e.Account) {
			return fmt.Errorf("field %s.account: %q is not a 12-digit AWS account ID", at, e.Account)
		}
		if !reRegion.MatchString(e.Region) {
			return fmt.Errorf("field %s.region: %q is not an AWS region such as us-east-1 (required)", at, e.Region)
		}
		k := estateKey{e.Account, e.Region}
		if seen[k] {
			return fmt.Errorf("field %s: estate %s/%s is listed twice", at, e.Account, e.Region)
		}
		if where, ok := disabled[k]; ok {
			return fmt.Errorf("field %s: account %s has not enabled %s (%s), so it can hold no estate there: leave the region out of one of them", at, e.Account, e.Region, where)
		}
		seen[k] = true
		for code, v := range e.Quotas {
			if _, ok := quotaByCode(code); !ok {
				return fmt.Errorf("field %s.quotas.%s: unknown DRS quota code (known: %s)", at, code, strings.Join(quotaCodes(), ", "))
			}
			if v < 0 {
				return fmt.Errorf("field %s.quotas.%s: %d must be 0 or more", at, code, v)
			}
		}
		if g := e.Generate; g != nil {
			if g.Count < 0 || g.Count > maxGenerated {
				return fmt.Errorf("field %s.generate.count: %d must be between 0 and %d", at, g.Count, maxGenerated)
			}
			if g.HostnamePrefix != "" && !reHostname.MatchString(g.HostnamePrefix) {
				return fmt.Errorf("field %s.generate.hostnamePrefix: %q is not a host name", at, g.HostnamePrefix)
			}
		}
		if f := e.Faults; f != nil {
			if err := f.validate(); err != nil {
				return fmt.Errorf("field %s.faults.%w", at, err)
			}
		}
		hosts := map[string]bool{}
		ids := map[string]bool{}
		for j, s := range e.Servers {
			sat := fmt.Sprintf("%s.servers[%d]", at, j)
			if !reHostname.MatchString(s.Hostname) {
				return fmt.Errorf("field %s.hostname: %q is not a host name (required)", sat, s.Hostname)
			}
			if hosts[s.Hostname] {
				return fmt.Errorf("field %s.hostname: %q is used by another server of this estate", sat, s.Hostname)
			}
			hosts[s.Hostname] = true
			if s.SourceServerID != "" && !reSourceServerID.MatchString(s.SourceServerID) {
				return fmt.Errorf("field %s.sourceServerID: %q is not a source server ID (s- and 17 letters or digits)", sat, s.SourceServerID)
			}
			id := s.SourceServerID
			if id == "" {
				id = sourceServerIDFor(k, s.Hostname)
			}
			if ids[id] {
				return fmt.Errorf("field %s.sourceServerID: %s is used by another server of this estate", sat, id)
			}
			ids[id] = true
			if s.OS != "" && s.OS != "LINUX" && s.OS != "WINDOWS" {
				return fmt.Errorf("field %s.os: %q must be LINUX or WINDOWS", sat, s.OS)
			}
			if s.SourceRegion != "" && (!reRegion.MatchString(s.SourceRegion) || s.SourceRegion == e.Region) {
				return fmt.Errorf("field %s.sourceRegion: %q must be another AWS region than the estate's", sat, s.SourceRegion)
			}
			if s.ReplicationState != "" && !slices.Contains(enumReplicationStates, s.ReplicationState) {
				return fmt.Errorf("field %s.replicationState: %q is not one of %s", sat, s.ReplicationState, strings.Join(enumReplicationStates, ", "))
			}
			if s.LagSeconds != nil && *s.LagSeconds < 0 {
				return fmt.Errorf("field %s.lagSeconds: %d must be 0 or more", sat, *s.LagSeconds)
			}
			for d, dk := range s.Disks {
				if dk.DeviceName == "" {
					return fmt.Errorf("field %s.disks[%d].deviceName: required", sat, d)
				}
				if dk.Bytes <= 0 {
					return fmt.Errorf("field %s.disks[%d].bytes: %d must be more than 0", sat, d, dk.Bytes)
				}
			}
		}
	}
	return nil
}

// validateDisabledRegions checks disabledRegions and returns where each
// disabled account and region is declared.
func (inv *Inventory) validateDisabledRegions() (map[estateKey]string, error) {
	out := map[estateKey]string{}
	accounts := map[string]bool{}
	for i := range inv.DisabledRegions {
		d := &inv.DisabledRegions[i]
		at := fmt.Sprintf("disabledRegions[%d]", i)
		if d.Account == "" {
			d.Account = awswire.DefaultAccount
		}
		if !reAccountID.MatchString(d.Account) {
			return nil, fmt.Errorf("field %s.account: %q is not a 12-digit AWS account ID", at, d.Account)
		}
		if accounts[d.Account] {
			return nil, fmt.Errorf("field %s.account: account %s is listed twice: list all its disabled regions in one entry", at, d.Account)
		}
		accounts[d.Account] = true
		if len(d.Regions) == 0 {
			return nil, fmt.Errorf("field %s.regions: list at least one opt-in region (%s)", at, strings.Join(drsapi.OptInRegions(), ", "))
		}
		for j, r := range d.Regions {
			rat := fmt.Sprintf("%s.regions[%d]", at, j)
			if !drsapi.IsOptIn(r) {
				return nil, fmt.Errorf("field %s: %q is not an opt-in DRS region, and only opt-in regions can be disabled: use one of %s", rat, r, strings.Join(drsapi.OptInRegions(), ", "))
			}
			k := estateKey{d.Account, r}
			if _, dup := out[k]; dup {
				return nil, fmt.Errorf("field %s: %s is listed twice", rat, r)
			}
			out[k] = rat
		}
	}
	return out, nil
}

// DisabledByAccount is disabledRegions as account -> region codes.
func (inv *Inventory) DisabledByAccount() map[string][]string {
	out := map[string][]string{}
	for _, d := range inv.DisabledRegions {
		out[d.Account] = append(out[d.Account], d.Regions...)
	}
	return out
}

func (f Faults) validate() error {
	if f.ThrottlePercent < 0 || f.ThrottlePercent > 100 {
		return fmt.Errorf("throttlePercent: %d must be between 0 and 100", f.ThrottlePercent)
	}
	if f.LatencyMs < 0 || f.LatencyMs > 60000 {
		return fmt.Errorf("latencyMs: %d must be between 0 and 60000", f.LatencyMs)
	}
	for i, ef := range f.Errors {
		if err := ef.validate(); err != nil {
			return fmt.Errorf("errors[%d]: %w", i, err)
		}
	}
	return validateLoseAnswer(f.LoseAnswer)
}

func quotaCodes() []string {
	var codes []string
	for _, q := range quotaDefs {
		codes = append(codes, q.Code)
	}
	return codes
}
