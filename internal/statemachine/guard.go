package statemachine

import (
	"fmt"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// The start guard: before a runner sends StartRecovery it checks, in the
// state machine itself, what Terraform and the CLI check before a start
// (internal/startcheck), so that a plan started from the console, an
// EventBridge rule or StartExecution directly is as safe:
//
//   - none of the wave's servers is in an active DRS job (DRS runs one job
//     per source server, quota L-DD6D028C): the wave FAILS with
//     ErrServerInActiveJob, naming the servers and the active jobs. Waiting
//     would not help: that job belongs to someone else's run, and a server
//     busy in it is a conflict a person must resolve;
//   - the wave fits the live quotas. A wave larger than the per-job quota
//     (L-B827C881) or than the servers-in-active-jobs quota (L-05AFA8C6)
//     never fits: it FAILS with ErrWaveOverQuota. One more job over the
//     concurrent-jobs quota (L-D88FAC3A), or the wave's servers over the
//     servers-in-active-jobs quota given the jobs running now, is
//     transient — chained waves of one plan overlap, and other runs finish
//     — so the guard WAITS with capped backoff (guardWaits) and checks
//     again, at most guardMaxWaits times and no longer than the wave's
//     timeout, then fails with ErrQuotaWaitTimedOut.
//
// A wave that adopts a job (adoptJobId) skips the guard: its servers are
// busy with the very job it follows, and it starts no new job. Otherwise
// the guard runs before this runner has sent StartRecovery, so no job of
// its own can be among the active ones. (A job an earlier runner of the
// same wave left running — a redrive after drsorch.WaveReadFailed — does
// count: DRS would refuse the second job anyway; adopting it is the fix
// the cause names.)
//
// The check and the StartRecovery are not atomic: guards of waves that
// start together see the same room. A StartRecovery that DRS refuses with
// ServiceQuotaExceededException launched nothing, so it goes back to the
// guard's wait (runner.go) instead of failing the wave.
//
// The active jobs are read with DescribeJobs, newest first ("The response
// is sorted by creationDataTime - latest date first",
// https://docs.aws.amazon.com/drs/latest/APIReference/API_DescribeJobs.html),
// at most guardMaxPages pages of guardPageSize jobs per check: an active
// job older than the newest guardMaxPages×guardPageSize jobs is not seen
// (DRS itself still refuses the StartRecovery, with ConflictException or
// ServiceQuotaExceededException). Each page costs a constant number of
// history events however many servers it lists: JSONPath filters select the
// PENDING and STARTED jobs (the job statuses of the DRS model besides
// COMPLETED; a filter with != is not used because asl-validator rejects it),
// States.Array nests the page's server IDs under what was gathered so far and
// a "$…[*][*]" path flattens them, as the intrinsic functions page allows
// JSONPath in Parameters but documents no array concatenation
// (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
// Whether a wave server is busy is then one comparison of counts:
// |unique(wave ∪ busy)| < |unique(wave)| + |unique(busy)|. Only when the
// wave fails does a Map over its servers name the busy ones.
//
// The quotas are read once per runner, through Service Quotas
// GetServiceQuota (aws-sdk:servicequotas:getServiceQuota). A quota Service
// Quotas does not know (NoSuchResourceException), access denied, or reads
// that keep failing fall back to the published default, as the plan-time
// check does (internal/drsapi.QuotaLimits): the guard must not stop a
// recovery because a quota could not be read.

// Error names of the guard.
const (
	// ErrServerInActiveJob: a wave server is in another active DRS job.
	ErrServerInActiveJob = "drsorch.ServerInActiveJob"
	// ErrWaveOverQuota: the wave can never fit the live DRS quotas.
	ErrWaveOverQuota = "drsorch.WaveOverQuota"
	// ErrQuotaWaitTimedOut: the DRS quotas stayed full for the whole wait.
	ErrQuotaWaitTimedOut = "drsorch.QuotaWaitTimedOut"
)

// IntegrationGetQuota reads a live quota value.
// https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html
const IntegrationGetQuota = "aws-sdk:servicequotas:getServiceQuota"

// Step names of the guard.
const (
	StepGuardSetup         = "guard setup"
	StepQuotaJobs          = "quota: concurrent jobs"
	StepQuotaJobsDefault   = "quota: concurrent jobs (default)"
	StepQuotaActive        = "quota: servers in active jobs"
	StepQuotaActiveDefault = "quota: servers in active jobs (default)"
	StepQuotaPerJob        = "quota: servers per job"
	StepQuotaPerJobDefault = "quota: servers per job (default)"
	StepGuardScan          = "guard scan"
	StepListJobs           = "list jobs"
	StepListMoreJobs       = "list more jobs"
	StepSelectJobs         = "select active jobs"
	StepTallyJobs          = "tally jobs"
	StepFlattenJobs        = "flatten jobs"
	StepMoreJobs           = "more jobs?"
	StepGuardCount         = "guard count"
	StepFits               = "fits?"
	StepGuardPassed        = "guard passed"
	StepBusyServers        = "busy servers"
	StepActiveJobs         = "active jobs"
	StepActiveJobIDs       = "active job IDs"
	StepQuotaWaitChoice    = "quota wait?"
	StepQuotaBackoff       = "quota backoff"
	StepQuotaWait          = "quota wait"
	// Failure steps (FailureSteps).
	StepServerInActiveJob = "server in active job"
	StepOverQuota         = "over quota"
	StepQuotaTimedOut     = "quota wait timed out"
	StepGuardReadFailed   = "guard read failed"
)

const (
	// guardPageSize jobs per DescribeJobs page: a page must stay under
	// Step Functions' 256 KiB task result, and a job lists every
	// participating server (up to the per-job quota, 100 by default, at
	// about 200 bytes each with its launch status).
	guardPageSize = 10
	// guardMaxPages pages per check: the newest 100 jobs.
	guardMaxPages = 10
	// guardMaxWaits bounds the checks after the first (and so the guard's
	// history events); guardWaits are the seconds before each.
	guardMaxWaits = 16
)

// padID stands for a job and a server in the padding.
const padID = "-"

// guardPad is a page of one PENDING and one STARTED job, each with one
// server, that every filter of the guard reads besides DRS's page: a
// JSONPath filter or wildcard that selects nothing yields [] in Step
// Functions, but fails with States.Runtime in other implementations
// (aws-local-stepfunctions, moto), so the guard never relies on it.
var guardPad = obj{"Items": []any{
	obj{"JobID": padID, "Status": "PENDING", "ParticipatingServers": []any{obj{"SourceServerID": padID}}},
	obj{"JobID": padID, "Status": "STARTED", "ParticipatingServers": []any{obj{"SourceServerID": padID}}},
}}

// guardWaits is the backoff between checks: doubling from 15 s, capped at
// 5 minutes; 3,765 s in all, unless the wave's timeout ends the wait first.
var guardWaits = func() []any {
	out := make([]any, guardMaxWaits)
	s := 15
	for i := range out {
		out[i] = s
		s = min(2*s, 300)
	}
	return out
}()

// guardStates adds the guard to a runner's states: it starts at
// StepGuardSetup and goes on to next when the wave may start recovery.
func guardStates(states obj, partition, next string) {
	failure := func(step, errName, outcome, cause string) {
		states[step] = obj{"Type": "Pass", "Parameters": obj{"error": errName, "outcome": outcome, "cause.$": cause, "jobId": nil},
			"ResultPath": "$.failure", "Next": StepPublishFailed}
	}
	states[StepGuardSetup] = obj{
		"Type":    "Pass",
		"Comment": "The start guard: no server of the wave in an active DRS job, and room in the live DRS quotas (statemachine/guard.go).",
		"Parameters": obj{
			"count.$":    "States.ArrayLength($.servers)",
			"distinct.$": "States.ArrayLength(States.ArrayUnique($.servers))",
			"schedule":   guardWaits,
			"wait":       obj{"waits": 0, "waited": 0, "seconds": 0},
			"page":       obj{"pad": guardPad},
		},
		"ResultPath": "$.guard",
		"Next":       StepQuotaJobs,
	}
	quota := func(step, fallback, code string, def int, field, next string) {
		states[step] = obj{
			"Type":           "Task",
			"Resource":       Resource(partition, IntegrationGetQuota),
			"Parameters":     obj{"ServiceCode": "drs", "QuotaCode": code},
			"ResultSelector": obj{"value.$": "$.Quota.Value"},
			"ResultPath":     "$.guard.quota." + field,
			"Retry": append([]any{obj{
				"ErrorEquals": []any{"ServiceQuotas.NoSuchResourceException", "ServiceQuotas.AccessDeniedException"}, "MaxAttempts": 0,
			}}, readRetry...),
			"Catch": []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.guard.quotaError", "Next": fallback}},
			"Next":  next,
		}
		states[fallback] = obj{
			"Type":       "Pass",
			"Comment":    "The published default, when the live quota cannot be read.",
			"Result":     obj{"value": def},
			"ResultPath": "$.guard.quota." + field,
			"Next":       next,
		}
	}
	d := recoveryplan.DefaultQuotas
	quota(StepQuotaJobs, StepQuotaJobsDefault, recoveryplan.QuotaConcurrentJobs, d.ConcurrentJobs, "jobs", StepQuotaActive)
	quota(StepQuotaActive, StepQuotaActiveDefault, recoveryplan.QuotaServersInActiveJobs, d.ServersInActiveJobs, "servers", StepQuotaPerJob)
	quota(StepQuotaPerJob, StepQuotaPerJobDefault, recoveryplan.QuotaServersPerJob, d.ServersPerJob, "perJob", StepGuardScan)
	// scan: what the pages read so far, each list nested one level (the
	// select step of the next page, or flatten, flattens it). busy are the
	// servers of active jobs, seen the same and the wave's, ids the active
	// jobs; each starts with the padding's "-" (see guardPad).
	states[StepGuardScan] = obj{
		"Type": "Pass",
		"Parameters": obj{"pages": 0, "jobs": 0, "servers": 0, "busy": []any{[]any{padID}}, "ids": []any{[]any{padID}},
			"seen.$": "States.Array($.servers, States.Array('" + padID + "'))"},
		"ResultPath": "$.guard.scan",
		"Next":       StepListJobs,
	}
	list := func(step string, params obj) {
		params["MaxResults"] = guardPageSize
		states[step] = obj{
			"Type":       "Task",
			"Resource":   Resource(partition, IntegrationDescribeJobs),
			"Parameters": params,
			// The page as DRS answers it, next to the padding: NextToken
			// is absent on the last page, which no ResultSelector path may
			// name.
			"ResultPath": "$.guard.page.r",
			"Retry":      readRetry,
			"Catch":      readCatch(StepGuardReadFailed),
			"Next":       StepSelectJobs,
		}
	}
	list(StepListJobs, obj{})
	list(StepListMoreJobs, obj{"NextToken.$": "$.guard.page.r.NextToken"})
	active := func(status, member string) string {
		return "$.guard.page.*.Items[?(@.Status == '" + status + "')]." + member
	}
	states[StepSelectJobs] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"pendingJobs.$":    active("PENDING", "JobID"),
			"startedJobs.$":    active("STARTED", "JobID"),
			"pendingServers.$": active("PENDING", "ParticipatingServers[*].SourceServerID"),
			"startedServers.$": active("STARTED", "ParticipatingServers[*].SourceServerID"),
			"busy.$":           "$.guard.scan.busy[*][*]",
			"seen.$":           "$.guard.scan.seen[*][*]",
			"ids.$":            "$.guard.scan.ids[*][*]",
		},
		"ResultPath": "$.guard.sel",
		"Next":       StepTallyJobs,
	}
	// Each list above holds the padding once: -2 per page.
	states[StepTallyJobs] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"pages.$":   "States.MathAdd($.guard.scan.pages, 1)",
			"jobs.$":    "States.MathAdd($.guard.scan.jobs, States.MathAdd(States.MathAdd(States.ArrayLength($.guard.sel.pendingJobs), States.ArrayLength($.guard.sel.startedJobs)), -2))",
			"servers.$": "States.MathAdd($.guard.scan.servers, States.MathAdd(States.MathAdd(States.ArrayLength($.guard.sel.pendingServers), States.ArrayLength($.guard.sel.startedServers)), -2))",
			"busy.$":    "States.Array($.guard.sel.busy, $.guard.sel.pendingServers, $.guard.sel.startedServers)",
			"seen.$":    "States.Array($.guard.sel.seen, $.guard.sel.pendingServers, $.guard.sel.startedServers)",
			"ids.$":     "States.Array($.guard.sel.ids, $.guard.sel.pendingJobs, $.guard.sel.startedJobs)",
		},
		"ResultPath": "$.guard.scan",
		"Next":       StepMoreJobs,
	}
	states[StepMoreJobs] = obj{
		"Type": "Choice",
		"Choices": []any{obj{"And": []any{
			obj{"Variable": "$.guard.page.r.NextToken", "IsPresent": true},
			obj{"Variable": "$.guard.scan.pages", "NumericLessThan": guardMaxPages},
		}, "Next": StepListMoreJobs}},
		"Default": StepFlattenJobs,
	}
	states[StepFlattenJobs] = obj{
		"Type":       "Pass",
		"Parameters": obj{"busy.$": "$.guard.scan.busy[*][*]", "seen.$": "$.guard.scan.seen[*][*]", "ids.$": "$.guard.scan.ids[*][*]"},
		"ResultPath": "$.guard.sel",
		"Next":       StepGuardCount,
	}
	// The padding is in busy and in seen: it counts once on both sides.
	states[StepGuardCount] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"union.$":    "States.ArrayLength(States.ArrayUnique($.guard.sel.seen))",
			"disjoint.$": "States.MathAdd($.guard.distinct, States.ArrayLength(States.ArrayUnique($.guard.sel.busy)))",
			"load.$":     "States.MathAdd($.guard.scan.servers, $.guard.count)",
		},
		"ResultPath": "$.guard.check",
		"Next":       StepFits,
	}
	states[StepFits] = obj{
		"Type": "Choice",
		"Choices": []any{
			obj{"Variable": "$.guard.check.union", "NumericLessThanPath": "$.guard.check.disjoint", "Next": StepBusyServers},
			obj{"Or": []any{
				obj{"Variable": "$.guard.count", "NumericGreaterThanPath": "$.guard.quota.perJob.value"},
				obj{"Variable": "$.guard.count", "NumericGreaterThanPath": "$.guard.quota.servers.value"},
			}, "Next": StepOverQuota},
			obj{"Or": []any{
				obj{"Variable": "$.guard.scan.jobs", "NumericGreaterThanEqualsPath": "$.guard.quota.jobs.value"},
				obj{"Variable": "$.guard.check.load", "NumericGreaterThanPath": "$.guard.quota.servers.value"},
			}, "Next": StepQuotaWaitChoice},
		},
		"Default": StepGuardPassed,
	}
	// The guard's lists and the page are dropped before the wave goes on;
	// what it keeps lets a StartRecovery refused for quota come back to
	// StepQuotaWaitChoice and wait like a full quota found here.
	states[StepGuardPassed] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"count.$": "$.guard.count", "distinct.$": "$.guard.distinct", "schedule.$": "$.guard.schedule",
			"wait.$": "$.guard.wait", "quota.$": "$.guard.quota", "page": obj{"pad": guardPad},
			"scan": obj{"jobs.$": "$.guard.scan.jobs", "servers.$": "$.guard.scan.servers"},
		},
		"ResultPath": "$.guard",
		"Next":       next,
	}
	states[StepBusyServers] = obj{
		"Type":      "Map",
		"Comment":   "Names the wave's servers that are busy (the wave fails: runs once).",
		"ItemsPath": "$.servers",
		"ItemSelector": obj{
			"id.$":   "$$.Map.Item.Value",
			"busy.$": "States.ArrayContains($.guard.sel.busy, $$.Map.Item.Value)",
		},
		"ItemProcessor":  obj{"StartAt": "busy?", "States": obj{"busy?": obj{"Type": "Pass", "End": true}}},
		"ResultSelector": obj{"servers.$": "$[?(@.busy == true)].id"},
		"ResultPath":     "$.guard.conflict",
		"Next":           StepActiveJobs,
	}
	// The active jobs without the padding, which ArrayUnique keeps first.
	states[StepActiveJobs] = obj{
		"Type":       "Pass",
		"Parameters": obj{"ids.$": "States.ArrayUnique($.guard.sel.ids)"},
		"ResultPath": "$.guard.active",
		"Next":       StepActiveJobIDs,
	}
	states[StepActiveJobIDs] = obj{
		"Type":       "Pass",
		"Parameters": obj{"ids.$": "$.guard.active.ids[1:]"},
		"ResultPath": "$.guard.active",
		"Next":       StepServerInActiveJob,
	}
	failure(StepServerInActiveJob, ErrServerInActiveJob, "FAILED",
		"States.Format('wave {} did not start recovery: its source servers {} are in an active DRS job, and DRS runs one job per source server (quota "+
			recoveryplan.QuotaConcurrentJobsPerServer+"). Active jobs: {}. Wait for that job to complete or stop the run that started it, then start the wave again (if the job recovers this very wave, adopt it with the execution input member "+
			InputWaves+".{}.adoptJobId)', $.wave, States.JsonToString($.guard.conflict.servers), States.JsonToString($.guard.active.ids), $.wave)")
	failure(StepOverQuota, ErrWaveOverQuota, "FAILED",
		"States.Format('wave {} has {} source servers: DRS allows {} in one job (quota "+recoveryplan.QuotaServersPerJob+
			") and {} in all active jobs (quota "+recoveryplan.QuotaServersInActiveJobs+"). Split its protection group over more waves, or raise the quota', $.wave, $.guard.count, $.guard.quota.perJob.value, $.guard.quota.servers.value)")
	states[StepQuotaWaitChoice] = obj{
		"Type": "Choice",
		"Choices": []any{obj{"Or": []any{
			obj{"Variable": "$.guard.wait.waited", "NumericGreaterThanEqualsPath": "$.timeoutSeconds"},
			obj{"Variable": "$.guard.wait.waits", "NumericGreaterThanEquals": guardMaxWaits},
		}, "Next": StepQuotaTimedOut}},
		"Default": StepQuotaBackoff,
	}
	states[StepQuotaBackoff] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"waits.$":   "States.MathAdd($.guard.wait.waits, 1)",
			"seconds.$": "States.ArrayGetItem($.guard.schedule, $.guard.wait.waits)",
			"waited.$":  "States.MathAdd($.guard.wait.waited, States.ArrayGetItem($.guard.schedule, $.guard.wait.waits))",
		},
		"ResultPath": "$.guard.wait",
		"Next":       StepQuotaWait,
	}
	states[StepQuotaWait] = obj{"Type": "Wait", "SecondsPath": "$.guard.wait.seconds", "Next": StepGuardScan}
	failure(StepQuotaTimedOut, ErrQuotaWaitTimedOut, "TIMED_OUT",
		"States.Format('wave {} waited {} seconds for room in the DRS quotas and did not start recovery: {} jobs were active (concurrent jobs quota "+
			recoveryplan.QuotaConcurrentJobs+": {}) with {} source servers, and the wave adds one job and {} servers (quota "+
			recoveryplan.QuotaServersInActiveJobs+": {}). Let running jobs complete or raise the quotas, then start the wave again', $.wave, $.guard.wait.waited, $.guard.scan.jobs, $.guard.quota.jobs.value, $.guard.scan.servers, $.guard.count, $.guard.quota.servers.value)")
	failure(StepGuardReadFailed, ErrWaveReadFailed, "FAILED",
		fmt.Sprintf("States.Format('wave {} did not start recovery: reading the active DRS jobs failed %d times, the last with {}: {}', $.wave, $.readError.Error, $.readError.Cause)", readAttempts+1))
}

// GuardChecks is the most checks (scans of the active jobs) one runner's
// guard makes before a wave of timeout starts or fails: the first, then one
// after each wait while the waited seconds stay under the timeout.
func GuardChecks(timeout int) int {
	checks, waited := 1, 0
	for i := 0; i < guardMaxWaits && waited < timeout; i++ {
		waited += guardWaits[i].(int)
		checks++
	}
	return checks
}

// guardBounds sets the bounds of the guard's loop: checks scans (each of
// up to guardMaxPages pages) for a wave of servers servers.
func guardBounds(b map[string]int, checks, servers int) {
	for _, st := range []string{StepGuardScan, StepListJobs, StepFlattenJobs, StepGuardCount, StepFits} {
		b[st] = checks
	}
	for _, st := range []string{StepQuotaWaitChoice, StepQuotaBackoff, StepQuotaWait} {
		b[st] = checks - 1
	}
	for _, st := range []string{StepSelectJobs, StepTallyJobs, StepMoreJobs} {
		b[st] = checks * guardMaxPages
	}
	b[StepListMoreJobs] = checks * (guardMaxPages - 1)
	// A StartRecovery refused for quota goes back to waiting: each check
	// may be followed by an attempt.
	for _, st := range []string{StepGuardPassed, StepStartRecovery} {
		b[st] = checks
	}
	b[mapItems(StepBusyServers)] = servers
}

// guardTransitions are the state transitions of a guard that passes at
// its first check, reading one page: setup, three quotas, scan, list,
// select, tally, more?, flatten, count, fits?, passed.
const guardTransitions = 13

// guardState is the largest data the guard of a wave of n servers adds to
// the runner's input while it checks (StepGuardPassed drops it before the
// recovery starts), with the DRS quotas at their published defaults: a page
// of guardPageSize jobs of the per-job quota's servers each, every active
// job and its servers (nested and flat), and the busy servers.
func guardState(n int) map[string]any {
	d := recoveryplan.DefaultQuotas
	ids := func(k int, id string) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = id
		}
		return out
	}
	var items []any
	for range guardPageSize {
		var ps []any
		for range d.ServersPerJob {
			ps = append(ps, map[string]any{"SourceServerID": worstSourceServerID, "RecoveryInstanceID": worstInstanceID, "LaunchStatus": worstLaunchStatus})
		}
		items = append(items, map[string]any{"JobID": worstJobID, "Arn": worstContextValue, "Type": "TERMINATE", "InitiatedBy": "TERMINATE_RECOVERY_INSTANCES",
			"CreationDateTime": "2026-12-01T00:00:00.000000+00:00", "EndDateTime": "2026-12-01T00:00:00.000000+00:00", "Status": "COMPLETED",
			"ParticipatingServers": ps, "Tags": map[string]string{TagPlan: worstContextValue, TagExecution: worstContextValue, TagWave: worstContextValue, TagRunnerExecution: worstContextValue}})
	}
	busy := ids(d.ServersInActiveJobs, worstSourceServerID)
	quota := map[string]any{"value": 100000.0}
	lists := map[string]any{"busy": busy, "seen": ids(d.ServersInActiveJobs+n, worstSourceServerID), "ids": ids(d.ConcurrentJobs, worstJobID)}
	return map[string]any{
		"count": n, "distinct": n, "schedule": guardWaits,
		"wait":  map[string]any{"waits": guardMaxWaits, "waited": 86400, "seconds": 300},
		"page":  map[string]any{"pad": guardPad, "r": map[string]any{"Items": items, "NextToken": worstContextValue}},
		"quota": map[string]any{"jobs": quota, "servers": quota, "perJob": quota},
		"scan": map[string]any{"pages": guardMaxPages, "jobs": d.ConcurrentJobs, "servers": d.ServersInActiveJobs,
			"busy": lists["busy"], "seen": lists["seen"], "ids": lists["ids"]},
		"sel": map[string]any{"pendingJobs": ids(d.ConcurrentJobs, worstJobID), "startedJobs": []string{}, "pendingServers": busy, "startedServers": []string{},
			"busy": lists["busy"], "seen": lists["seen"], "ids": lists["ids"]},
		"check":      map[string]any{"union": 100000, "disjoint": 100000, "load": 100000},
		"conflict":   map[string]any{"servers": ids(n, worstSourceServerID)},
		"active":     map[string]any{"ids": lists["ids"]},
		"quotaError": map[string]any{"Error": "ServiceQuotas.ServiceQuotasException", "Cause": worstContextValue},
	}
}

// guardKept is what the guard leaves in the state of a wave that goes on
// (StepGuardPassed), with a StartRecovery refusal.
func guardKept() map[string]any {
	quota := map[string]any{"value": 100000.0}
	return map[string]any{
		"count": 100000, "distinct": 100000, "schedule": guardWaits,
		"wait":    map[string]any{"waits": guardMaxWaits, "waited": 86400, "seconds": 300},
		"quota":   map[string]any{"jobs": quota, "servers": quota, "perJob": quota},
		"page":    map[string]any{"pad": guardPad},
		"scan":    map[string]any{"jobs": 100000, "servers": 100000},
		"refused": map[string]any{"Error": "Drs.ServiceQuotaExceededException", "Cause": worstContextValue},
	}
}

// GuardWorstEvents is the most history events the guard of a wave of
// timeout writes up to its last StartRecovery: the setup, the
// three quota reads (each failing over to its default), then per check a
// scan of guardMaxPages pages and a StartRecovery refused for quota and,
// between checks, a wait. The limits
// calculator counts the same from the definition (runnerBoundsAt).
func GuardWorstEvents(timeout time.Duration) int {
	checks := GuardChecks(int(timeout / time.Second))
	perCheck := 4*eventsSimpleState + eventsTask + // scan, flatten, count, fits?; list
		guardMaxPages*3*eventsSimpleState + (guardMaxPages-1)*eventsTask + // per page: select, tally, more?; list more
		eventsSimpleState + eventsTask // passed, StartRecovery (refused)
	perWait := 3 * eventsSimpleState // quota wait?, backoff, wait
	return eventsSimpleState + 3*(eventsTask+eventsSimpleState) + checks*perCheck + (checks-1)*perWait
}
