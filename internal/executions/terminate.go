package executions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// maxTerminateBatch is how many recovery instances one
// TerminateRecoveryInstances call takes (the service model's max for
// recoveryIDs). The TERMINATE job it starts is a DRS job like any other and
// is also bound by the per-job quota "Max source servers in a single Job"
// (L-B827C881, default 100): a larger batch fails with
// ServiceQuotaExceededException, so batches take the smaller of the two.
// https://docs.aws.amazon.com/drs/latest/APIReference/API_TerminateRecoveryInstances.html
// https://docs.aws.amazon.com/general/latest/gr/drs.html
const maxTerminateBatch = 200

// TerminateResult reports what Terminate did.
type TerminateResult struct {
	// JobID is the first terminate job; JobIDs every one Terminate started
	// or found running for the instances.
	JobID      string
	JobIDs     []string
	Terminated []Server
}

// Terminate terminates the recovery instances the execution launched and
// waits for DRS's terminate jobs. A RECOVERY's instances are production:
// they are only terminated when allowRecovery is set.
//
// TerminateRecoveryInstances takes no client token, and while its job runs
// DRS refuses another for the same instances (ConflictException). So
// Terminate never sends it blindly: it first adopts a terminate job that
// already covers the instances (an earlier attempt whose answer was lost,
// or an operator), and when a call fails it looks for the job that call
// may have started (DescribeJobs) before trying again or reporting the
// failure (terminateBatch).
func Terminate(ctx context.Context, c Clients, e *Execution, allowRecovery bool, poll time.Duration) (*TerminateResult, error) {
	if e.Type == TypeRecovery && !allowRecovery {
		return nil, fmt.Errorf("execution %s is a RECOVERY: its instances are your production now, so drsorch does not terminate them unless explicitly asked", e.Name)
	}
	servers := LaunchedInstances(e)
	if len(servers) == 0 {
		return &TerminateResult{}, nil
	}
	ids := make([]string, len(servers))
	for i, s := range servers {
		ids[i] = s.RecoveryInstanceID
	}
	since, err := launchedSince(ctx, c.DRS, e)
	if err != nil {
		return nil, err
	}
	known, err := terminateJobs(ctx, c.DRS, since)
	if err != nil {
		return nil, err
	}
	res := &TerminateResult{Terminated: servers}
	remaining := adopt(known, ids, res)
	size := terminateBatchSize(ctx, c)
	waited := 0 // res.JobIDs[:waited] are known to have completed
	for len(remaining) > 0 {
		batch := remaining[:min(len(remaining), size)]
		known, err = terminateBatch(ctx, c.DRS, since, batch, known, res)
		var full *noJobRoomError
		switch {
		case errors.As(err, &full):
			// Too many jobs (or servers in jobs) are active: wait for
			// one of ours to complete, or a while for someone else's.
			if waited < len(res.JobIDs) {
				if err := WaitForJob(ctx, c.DRS, res.JobIDs[waited], poll); err != nil {
					return nil, err
				}
				waited++
			} else if err := sleep(ctx, poll); err != nil {
				return nil, fmt.Errorf("%w (waiting for room for another DRS job: %v)", full.err, err)
			}
			continue
		case err != nil:
			return nil, err
		}
		remaining = remaining[len(batch):]
	}
	if len(res.JobIDs) > 0 {
		res.JobID = res.JobIDs[0]
	}
	for _, id := range res.JobIDs[waited:] {
		if err := WaitForJob(ctx, c.DRS, id, poll); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// terminateBatchSize is the number of instances per TerminateRecoveryInstances
// call: the model's maximum, lowered to the live per-job quota (its
// published default when Service Quotas cannot be read).
func terminateBatchSize(ctx context.Context, c Clients) int {
	q := recoveryplan.DefaultQuotas
	if c.Quotas != nil {
		if live, _, err := drsapi.RunLimits(ctx, c.Quotas, c.DRS); err == nil {
			q = live
		}
	}
	return max(1, min(maxTerminateBatch, q.ServersPerJob))
}

// noJobRoomError is a TerminateRecoveryInstances refused because DRS's
// concurrent-job or servers-in-active-jobs quota is used up; the same call
// succeeds once an active job completes.
type noJobRoomError struct{ err error }

func (e *noJobRoomError) Error() string { return e.err.Error() }
func (e *noJobRoomError) Unwrap() error { return e.err }

// noJobRoom reports whether err is DRS refusing a job for lack of room
// among the active jobs (not for its own size).
func noJobRoom(err error) bool {
	var q *drstypes.ServiceQuotaExceededException
	if !errors.As(err, &q) {
		return false
	}
	code := aws.ToString(q.QuotaCode)
	return code == recoveryplan.QuotaConcurrentJobs || code == recoveryplan.QuotaServersInActiveJobs
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// terminateAttempts bounds how often Terminate asks DRS for one batch.
const terminateAttempts = 5

// terminateBackoff is the wait before the attempt after attempt n.
var terminateBackoff = func(n int) time.Duration { return min(time.Duration(1<<n)*250*time.Millisecond, 20*time.Second) }

// terminateBatch asks DRS to terminate batch, once per attempt: the SDK's
// own retry, which would resend the call blindly, is off. After a failure
// the jobs DRS created since known are read (DescribeJobs); a job that
// covers the batch was started by the call whose answer was lost, and is
// adopted. Only a failure that surely left nothing behind and that a
// retry may cure (throttling, a transient error) is tried again. It
// returns the terminate jobs known now.
func terminateBatch(ctx context.Context, api *drs.Client, since time.Time, batch []string, known []drstypes.Job, res *TerminateResult) ([]drstypes.Job, error) {
	for attempt := 1; ; attempt++ {
		out, err := api.TerminateRecoveryInstances(ctx, &drs.TerminateRecoveryInstancesInput{RecoveryInstanceIDs: batch},
			func(o *drs.Options) { o.RetryMaxAttempts = 1 })
		if err == nil {
			res.JobIDs = append(res.JobIDs, aws.ToString(out.Job.JobID))
			return known, nil
		}
		lookCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		if ctx.Err() != nil {
			lookCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		}
		now, lerr := terminateJobs(lookCtx, api, since)
		cancel()
		if lerr != nil {
			return nil, fmt.Errorf("TerminateRecoveryInstances: %w (and looking for the terminate job it may have started failed: %v)", err, lerr)
		}
		var fresh []drstypes.Job
		for _, j := range now {
			if !slices.ContainsFunc(known, func(k drstypes.Job) bool { return aws.ToString(k.JobID) == aws.ToString(j.JobID) }) {
				fresh = append(fresh, j)
			}
		}
		known = now
		left := adopt(fresh, batch, res)
		if len(left) == 0 {
			return known, nil
		}
		if len(left) == len(batch) && noJobRoom(err) {
			return known, &noJobRoomError{fmt.Errorf("TerminateRecoveryInstances of %d instances: %w", len(batch), err)}
		}
		if len(left) < len(batch) || attempt == terminateAttempts || !transient(err) {
			return nil, fmt.Errorf("TerminateRecoveryInstances of %s: %w", strings.Join(left, ", "), err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("TerminateRecoveryInstances of %s: %w (%v)", strings.Join(left, ", "), err, ctx.Err())
		case <-time.After(terminateBackoff(attempt)):
		}
	}
}

// transient reports whether an error is one the SDK would retry:
// throttling, a 5xx, a connection that failed.
func transient(err error) bool {
	return retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err).Bool() ||
		retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool()
}

// adopt records in res the jobs that terminate any of ids and are still
// running or terminated them, and returns the ids no such job covers.
func adopt(jobs []drstypes.Job, ids []string, res *TerminateResult) []string {
	covered := map[string]bool{}
	for _, j := range jobs {
		use := false
		for _, p := range j.ParticipatingServers {
			id := aws.ToString(p.RecoveryInstanceID)
			if !slices.Contains(ids, id) || covered[id] {
				continue
			}
			// A finished job whose part for this instance failed does not
			// count: that instance is asked for again.
			if j.Status == drstypes.JobStatusCompleted && p.LaunchStatus == drstypes.LaunchStatusFailed {
				continue
			}
			covered[id], use = true, true
		}
		if id := aws.ToString(j.JobID); use && !slices.Contains(res.JobIDs, id) {
			res.JobIDs = append(res.JobIDs, id)
		}
	}
	var left []string
	for _, id := range ids {
		if !covered[id] {
			left = append(left, id)
		}
	}
	return left
}

// launchedSince is when DRS created the first recovery job of the
// execution, by DRS's own clock: no terminate job of its instances is
// older, whatever the orchestrator's clock says.
func launchedSince(ctx context.Context, api *drs.Client, e *Execution) (time.Time, error) {
	var ids []string
	for _, w := range e.Waves {
		if w.JobID != "" {
			ids = append(ids, w.JobID)
		}
	}
	if len(ids) == 0 {
		return time.Time{}, nil
	}
	jobs, err := describeJobs(ctx, api, ids)
	if err != nil {
		return time.Time{}, err
	}
	var since time.Time
	for _, j := range jobs {
		t := parseTime(aws.ToString(j.CreationDateTime))
		if t.IsZero() {
			return time.Time{}, nil // unreadable: look at every job
		}
		if since.IsZero() || t.Before(since) {
			since = t
		}
	}
	return since, nil
}

// terminateJobs lists the TERMINATE jobs DRS created since since (zero:
// all of them).
func terminateJobs(ctx context.Context, api *drs.Client, since time.Time) ([]drstypes.Job, error) {
	in := &drs.DescribeJobsInput{}
	if !since.IsZero() {
		in.Filters = &drstypes.DescribeJobsRequestFilters{FromDate: aws.String(since.Add(-time.Minute).UTC().Format(time.RFC3339))}
	}
	var out []drstypes.Job
	pages := drs.NewDescribeJobsPaginator(api, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeJobs: %w", err)
		}
		for _, j := range page.Items {
			if j.Type == drstypes.JobTypeTerminate {
				out = append(out, j)
			}
		}
	}
	return out, nil
}

// FromJobs rebuilds, from DRS alone, what clean-up needs of an execution
// Step Functions no longer knows: it keeps a closed execution (history
// included) for 90 days only
// (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html),
// while the drill's recovery instances live on. Every recovery job a plan
// starts is tagged drsorch:execution=<execution ARN>; those jobs give the
// waves, the run type (START_DRILL or START_RECOVERY) and the recovery
// instances, whose EC2 state is read from DRS. found is false when DRS
// holds no job of the execution.
func FromJobs(ctx context.Context, c Clients, arn string) (e *Execution, found bool, err error) {
	e = &Execution{ARN: arn, Name: arn[strings.LastIndex(arn, ":")+1:], Type: TypeDrill}
	pages := drs.NewDescribeJobsPaginator(c.DRS, &drs.DescribeJobsInput{})
	var serverIDs []string
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, false, fmt.Errorf("DescribeJobs: %w", err)
		}
		for _, j := range page.Items {
			if j.Type != drstypes.JobTypeLaunch || j.Tags[statemachine.TagExecution] != arn {
				continue
			}
			if j.InitiatedBy == drstypes.InitiatedByStartRecovery {
				e.Type = TypeRecovery
			}
			if e.Plan == "" {
				e.Plan = j.Tags[statemachine.TagPlan]
			}
			w := Wave{Name: j.Tags[statemachine.TagWave], JobID: aws.ToString(j.JobID), StartedAt: parseTime(aws.ToString(j.CreationDateTime))}
			for _, p := range j.ParticipatingServers {
				w.Servers = append(w.Servers, Server{SourceServerID: aws.ToString(p.SourceServerID), LaunchStatus: string(p.LaunchStatus),
					RecoveryInstanceID: aws.ToString(p.RecoveryInstanceID)})
				serverIDs = append(serverIDs, aws.ToString(p.SourceServerID))
			}
			e.Waves = append(e.Waves, w)
		}
	}
	if len(e.Waves) == 0 {
		return nil, false, nil
	}
	// A server's latest recovery instance may be a later run's: only an
	// instance this execution's job launched counts.
	instances, err := recoveryInstances(ctx, c.DRS, serverIDs)
	if err != nil {
		return nil, false, err
	}
	for wi := range e.Waves {
		w := &e.Waves[wi]
		for si := range w.Servers {
			s := &w.Servers[si]
			ri, ok := instances[s.SourceServerID]
			if !ok || aws.ToString(ri.JobID) != w.JobID {
				continue
			}
			s.RecoveryInstanceID = aws.ToString(ri.RecoveryInstanceID)
			s.EC2InstanceID = aws.ToString(ri.Ec2InstanceID)
			s.EC2InstanceState = string(ri.Ec2InstanceState)
		}
	}
	return e, true, nil
}
