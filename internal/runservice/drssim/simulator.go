// Package drssim simulates AWS Elastic Disaster Recovery for `drsorch
// serve`: the DRS restJson1 API as the AWS service model defines it, the
// Service Quotas API for service code "drs", and /_sim/ control endpoints
// for tests (time, faults, quotas, extra servers, call counts).
//
// It serves 49 of DRS's 50 operations (all but ExportSourceNetworkCfnTemplate,
// which needs S3), each answering only the errors its model lists (conform).
//
// Estates are kept per account and region. Jobs store their planned
// timeline; each request first applies every event whose simulated time
// has passed, under the estate's lock. That keeps the simulation
// deterministic and restart-safe without background goroutines.
//
// Validation rules enforced on launch and replication configurations (the
// provider mirrors them at plan time):
//   - enums as in the model; subnet-[0-9a-f]{8,17}; sg-[0-9a-f]{8,17}
//   - ebsEncryptionKeyArn (a KMS key ARN) exactly when ebsEncryption is CUSTOM
//   - per replicated disk: iops only for GP3 (3000–16000) and IO1 (100–64000);
//     throughput only for GP3 (125–1000 MiB/s); deviceName must be a disk
//     of the server
//   - pitPolicy: 1–10 rules, unique ruleID, units MINUTE|HOUR|DAY,
//     interval and retentionDuration at least 1
//   - bandwidthThrottling 0–10000 Mbps; name at most 128 characters
//
// The inventory file format is the Inventory type; testdata/inventory.json
// shows every field.
package drssim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// Options configure a Simulator.
type Options struct {
	Store  *store.Store
	Clock  *simclock.Clock
	Logger *slog.Logger
	// Inventory is the estate file; empty serves DemoInventory.
	Inventory string
	// ClockOffset puts DRS's clock ahead of Clock (negative: behind); an
	// inventory's drsClockOffset, when set, wins.
	ClockOffset time.Duration
	// WireFaults, when set, is the router's wire-fault injector: the
	// inventory's wireFaults are set on it and /_sim/wire-faults changes
	// them.
	WireFaults *wirefault.Injector
	// DisabledRegions, when set, is the router's set of opt-in regions
	// accounts have not enabled; the inventory's disabledRegions are set
	// on it.
	DisabledRegions *awswire.DisabledRegions
}

// Simulator is the simulated DRS service of one run service.
type Simulator struct {
	db     *sql.DB
	clock  *simclock.Clock
	logger *slog.Logger
	source string // where the seeded estates came from, for logs

	mu      sync.Mutex
	estates map[estateKey]*estate

	statsMu sync.Mutex
	calls   map[string]int64

	sleep func(context.Context, time.Duration) // wall-clock latency injection

	offset     atomic.Int64 // DRS's clock minus the run service's clock, in nanoseconds (skew.go)
	wireFaults *wirefault.Injector
	placer     LaunchPlacer       // EC2 launch templates (ec2bridge.go); nil: none
	runner     LaunchActionRunner // SSM for launch actions (launch_runs.go); nil: runs fail
}

// New opens the simulator's tables, loads stored estates and seeds the
// inventory's estates that the store does not hold yet.
func New(opts Options) (*Simulator, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	inv := DemoInventory()
	source := "built-in demo estate"
	if opts.Inventory != "" {
		var err error
		if inv, err = LoadInventory(opts.Inventory); err != nil {
			return nil, err
		}
		source = "inventory " + opts.Inventory
	}
	s := &Simulator{db: opts.Store.DB(), clock: opts.Clock, logger: opts.Logger, source: source,
		estates: map[estateKey]*estate{}, calls: map[string]int64{}, sleep: sleepCtx, wireFaults: opts.WireFaults}
	if len(inv.WireFaults) > 0 {
		if s.wireFaults == nil {
			return nil, fmt.Errorf("inventory: wireFaults need the run service's router")
		}
		if err := s.wireFaults.Set(inv.WireFaults); err != nil {
			return nil, fmt.Errorf("inventory: wireFaults: %w", err)
		}
	}
	if len(inv.DisabledRegions) > 0 {
		if opts.DisabledRegions == nil {
			return nil, fmt.Errorf("inventory: disabledRegions need the run service's router")
		}
		opts.DisabledRegions.Set(inv.DisabledByAccount())
	}
	offset := opts.ClockOffset
	if inv.DRSClockOffset != "" {
		offset, _ = parseClockOffset(inv.DRSClockOffset) // validated by ParseInventory
	}
	if offset != 0 {
		if err := s.SetClockOffset(offset); err != nil {
			return nil, err
		}
	}
	ctx := context.Background()
	if err := s.migrate(ctx); err != nil {
		return nil, fmt.Errorf("drs simulator tables: %w", err)
	}
	if err := s.loadAll(ctx); err != nil {
		return nil, fmt.Errorf("drs simulator: %w", err)
	}
	now := s.now()
	for _, spec := range inv.Estates {
		k := estateKey{spec.Account, spec.Region}
		if _, ok := s.estates[k]; ok {
			continue // seeded on an earlier start: the store wins
		}
		e := newEstate(k)
		e.seed(spec, now)
		if err := s.flush(ctx, e); err != nil {
			return nil, fmt.Errorf("seed estate %s: %w", k, err)
		}
		s.estates[k] = e
	}
	return s, nil
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// estate returns the estate of k, creating an uninitialized one in memory
// when the store has none.
func (s *Simulator) estate(k estateKey) *estate {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.estates[k]
	if !ok {
		e = newEstate(k)
		s.estates[k] = e
	}
	return e
}

func (s *Simulator) allEstates() []*estate {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*estate, 0, len(s.estates))
	for _, e := range s.estates {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key.String() < out[j].key.String() })
	return out
}

// opContext is what an operation handler works with: the locked estate and
// the simulated time of the request.
type opContext struct {
	ctx context.Context
	s   *Simulator
	e   *estate
	now time.Time
	// staging holds a staging account's servers, read before e was
	// locked (ListExtensibleSourceServers).
	staging []stagingSourceServer
	// extension is the staging server CreateExtendedSourceServer names
	// (read before e was locked).
	extension *stagingSourceServer
	// originReady: DRS is initialized in the origin region of the
	// instance ReverseReplication names (read before e was locked).
	originReady bool
	// after runs once e is unlocked, before the answer is returned (work
	// in another estate).
	after []func()
}

type operation struct {
	status int // success status code from the model
	run    func(c *opContext, body []byte) (any, *awswire.APIError)
}

var operations map[string]operation

func init() {
	operations = map[string]operation{
		"InitializeService":              {http.StatusNoContent, opInitializeService},
		"DescribeSourceServers":          {http.StatusOK, opDescribeSourceServers},
		"GetLaunchConfiguration":         {http.StatusOK, opGetLaunchConfiguration},
		"UpdateLaunchConfiguration":      {http.StatusOK, opUpdateLaunchConfiguration},
		"GetReplicationConfiguration":    {http.StatusOK, opGetReplicationConfiguration},
		"UpdateReplicationConfiguration": {http.StatusOK, opUpdateReplicationConfiguration},
		"TagResource":                    {http.StatusOK, opTagResource},
		"UntagResource":                  {http.StatusOK, opUntagResource},
		"ListTagsForResource":            {http.StatusOK, opListTagsForResource},
		"StartRecovery":                  {http.StatusAccepted, opStartRecovery},
		"TerminateRecoveryInstances":     {http.StatusOK, opTerminateRecoveryInstances},
		"DescribeJobs":                   {http.StatusOK, opDescribeJobs},
		"DescribeJobLogItems":            {http.StatusOK, opDescribeJobLogItems},
		"DeleteJob":                      {http.StatusNoContent, opDeleteJob},
		"DescribeRecoveryInstances":      {http.StatusOK, opDescribeRecoveryInstances},
		"DescribeRecoverySnapshots":      {http.StatusOK, opDescribeRecoverySnapshots},
		"ListStagingAccounts":            {http.StatusOK, opListStagingAccounts},

		"CreateLaunchConfigurationTemplate":         {http.StatusCreated, opCreateLaunchConfigurationTemplate},
		"DescribeLaunchConfigurationTemplates":      {http.StatusOK, opDescribeLaunchConfigurationTemplates},
		"UpdateLaunchConfigurationTemplate":         {http.StatusOK, opUpdateLaunchConfigurationTemplate},
		"DeleteLaunchConfigurationTemplate":         {http.StatusNoContent, opDeleteLaunchConfigurationTemplate},
		"CreateReplicationConfigurationTemplate":    {http.StatusCreated, opCreateReplicationConfigurationTemplate},
		"DescribeReplicationConfigurationTemplates": {http.StatusOK, opDescribeReplicationConfigurationTemplates},
		"UpdateReplicationConfigurationTemplate":    {http.StatusOK, opUpdateReplicationConfigurationTemplate},
		"DeleteReplicationConfigurationTemplate":    {http.StatusNoContent, opDeleteReplicationConfigurationTemplate},
		"PutLaunchAction":                           {http.StatusOK, opPutLaunchAction},
		"ListLaunchActions":                         {http.StatusOK, opListLaunchActions},
		"DeleteLaunchAction":                        {http.StatusNoContent, opDeleteLaunchAction},
		"StartReplication":                          {http.StatusOK, opStartReplication},
		"StopReplication":                           {http.StatusOK, opStopReplication},
		"RetryDataReplication":                      {http.StatusOK, opRetryDataReplication},
		"DisconnectSourceServer":                    {http.StatusOK, opDisconnectSourceServer},
		"DeleteSourceServer":                        {http.StatusNoContent, opDeleteSourceServer},
		"DisconnectRecoveryInstance":                {http.StatusOK, opDisconnectRecoveryInstance},
		"DeleteRecoveryInstance":                    {http.StatusOK, opDeleteRecoveryInstance},
		"GetFailbackReplicationConfiguration":       {http.StatusOK, opGetFailbackReplicationConfiguration},
		"UpdateFailbackReplicationConfiguration":    {http.StatusOK, opUpdateFailbackReplicationConfiguration},
		"StopFailback":                              {http.StatusOK, opStopFailback},
		"DescribeSourceNetworks":                    {http.StatusOK, opDescribeSourceNetworks},
		"ListExtensibleSourceServers":               {http.StatusOK, opListExtensibleSourceServers},
		"StartFailbackLaunch":                       {http.StatusOK, opStartFailbackLaunch},
		"ReverseReplication":                        {http.StatusOK, opReverseReplication},
		"CreateSourceNetwork":                       {http.StatusCreated, opCreateSourceNetwork},
		"CreateExtendedSourceServer":                {http.StatusCreated, opCreateExtendedSourceServer},
		"StartSourceNetworkRecovery":                {http.StatusAccepted, opStartSourceNetworkRecovery},
		"AssociateSourceNetworkStack":               {http.StatusAccepted, opAssociateSourceNetworkStack},
		"DeleteSourceNetwork":                       {http.StatusNoContent, opDeleteSourceNetwork},
		"StartSourceNetworkReplication":             {http.StatusOK, opStartSourceNetworkReplication},
		"StopSourceNetworkReplication":              {http.StatusOK, opStopSourceNetworkReplication},
	}
}

// Invoke runs one DRS operation for the Step Functions engine's
// arn:aws:states:::aws-sdk:drs:* tasks. operation is the PascalCase name
// ("StartRecovery"); body and result are the restJson1 wire JSON (camelCase
// members; for the tagging operations resourceArn and tagKeys are members
// of body). The error is always an *awswire.APIError.
func (s *Simulator) Invoke(ctx context.Context, id awswire.Identity, operation string, body []byte) ([]byte, error) {
	_, out, apiErr := s.call(ctx, id, operation, body)
	if apiErr == errClientFault {
		return nil, errors.New(apiErr.Message)
	}
	if apiErr != nil {
		return nil, apiErr
	}
	if s.loseAnswer(id, operation) {
		return nil, ErrAnswerLost
	}
	if out == nil {
		return []byte("{}"), nil
	}
	return out, nil
}

// call is the one code path behind HTTP and Invoke: count, inject faults,
// bring the estate up to the present, run the operation, persist. The
// result is encoded while the estate is still locked: it shares maps with
// the estate's records.
func (s *Simulator) call(ctx context.Context, id awswire.Identity, name string, body []byte) (int, []byte, *awswire.APIError) {
	s.count(name)
	op, ok := operations[name]
	if !ok {
		return 0, nil, validationError(reasonUnknownOperation,
			fmt.Sprintf("the DRS simulator does not serve operation %q (served: %s)", name, strings.Join(OperationNames(), ", ")))
	}
	account := id.Account
	if account == "" {
		account = awswire.DefaultAccount
	}
	if id.Region == "" {
		return 0, nil, validationError(reasonOther, "the request names no region: sign it for a region such as us-east-1")
	}
	e, regionErr := s.estateFor(estateKey{account, id.Region})
	if regionErr != nil {
		return 0, nil, regionErr
	}
	var staging []stagingSourceServer
	if name == "ListExtensibleSourceServers" {
		staging = s.stagingServers(e.key, body)
	}
	originReady := name == "ReverseReplication" && s.originReady(e, body)
	var extension *stagingSourceServer
	if name == "CreateExtendedSourceServer" {
		extension = s.extensionSource(e.key, body)
	}

	e.mu.Lock()
	faults := e.faults
	e.requests++
	n := e.requests
	e.mu.Unlock()
	if faults.LatencyMs > 0 {
		s.sleep(ctx, time.Duration(faults.LatencyMs)*time.Millisecond)
	}
	if throttleNth(n, faults.ThrottlePercent) {
		return 0, nil, throttled(1)
	}

	var c *opContext
	e.mu.Lock()
	defer func() {
		e.mu.Unlock()
		for _, f := range c.after {
			f()
		}
	}()
	c = &opContext{ctx: ctx, s: s, e: e, now: s.now(), staging: staging, originReady: originReady, extension: extension}
	s.advanceEstate(e, c.now)
	if fault := e.operationFault(name); fault != nil {
		if err := s.flush(context.WithoutCancel(ctx), e); err != nil {
			s.logger.Error("drs simulator: persist estate", "estate", e.key.String(), "err", err)
		}
		return 0, nil, fault
	}
	var result any
	var apiErr *awswire.APIError
	if !e.initialized && name != "InitializeService" {
		apiErr = uninitialized()
	} else {
		result, apiErr = op.run(c, body)
	}
	apiErr = conform(name, apiErr)
	if err := s.flush(context.WithoutCancel(ctx), e); err != nil {
		s.logger.Error("drs simulator: persist estate", "estate", e.key.String(), "err", err)
		return 0, nil, internalError(fmt.Errorf("persist estate: %w", err))
	}
	if apiErr != nil {
		return 0, nil, apiErr
	}
	if result == nil {
		return op.status, nil, nil
	}
	out, err := json.Marshal(result)
	if err != nil {
		return 0, nil, internalError(fmt.Errorf("encode %s response: %w", name, err))
	}
	return op.status, out, nil
}

// throttleNth spreads percent% of requests evenly: request n is throttled
// when it crosses the next multiple of 100/percent.
func throttleNth(n int64, percent int) bool {
	if percent <= 0 {
		return false
	}
	return n*int64(percent)/100 > (n-1)*int64(percent)/100
}

// OperationNames lists the DRS operations the simulator serves.
func OperationNames() []string {
	names := make([]string, 0, len(operations))
	for n := range operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *Simulator) count(op string) {
	s.statsMu.Lock()
	s.calls[op]++
	s.statsMu.Unlock()
}

// Stats returns the number of API calls per operation since start or the
// last ResetStats (every attempt counts, throttled ones included).
func (s *Simulator) Stats() map[string]int64 {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	out := make(map[string]int64, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// ResetStats zeroes the call counters.
func (s *Simulator) ResetStats() {
	s.statsMu.Lock()
	s.calls = map[string]int64{}
	s.statsMu.Unlock()
}

// Describe is the one-line summary for the service's start-up log.
func (s *Simulator) Describe() string {
	var parts []string
	for _, e := range s.allEstates() {
		e.mu.Lock()
		if e.initialized {
			parts = append(parts, fmt.Sprintf("%s (%d servers)", e.key, len(e.servers)))
		}
		e.mu.Unlock()
	}
	return s.source + ": " + strings.Join(parts, ", ")
}
