package drssim

import (
	"fmt"
	"slices"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

func opStartRecovery(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		SourceServers []struct {
			SourceServerID     string `json:"sourceServerID"`
			RecoverySnapshotID string `json:"recoverySnapshotID"`
		} `json:"sourceServers"`
		IsDrill *bool             `json:"isDrill"`
		Tags    map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if len(req.SourceServers) == 0 {
		return nil, invalidField("sourceServers", "is required: list at least one source server")
	}
	if len(req.SourceServers) > 200 {
		return nil, invalidField("sourceServers", "lists %d servers; at most 200 are allowed in one request", len(req.SourceServers))
	}
	if err := checkTags("tags", req.Tags); err != nil {
		return nil, err
	}
	e := c.e
	seen := map[string]bool{}
	snaps := map[string]string{}
	var servers []*serverRecord
	for i, s := range req.SourceServers {
		at := fmt.Sprintf("sourceServers[%d]", i)
		if err := checkSourceServerID(at+".sourceServerID", s.SourceServerID); err != nil {
			return nil, err
		}
		if seen[s.SourceServerID] {
			return nil, invalidField(at+".sourceServerID", "%s is listed twice", s.SourceServerID)
		}
		seen[s.SourceServerID] = true
		if err := checkPattern(at+".recoverySnapshotID", s.RecoverySnapshotID, reSnapshotID, "a recovery snapshot ID (pit- and 17 letters or digits)"); err != nil {
			return nil, err
		}
		r, ok := e.byID[s.SourceServerID]
		if !ok {
			return nil, notFound("SOURCE_SERVER", s.SourceServerID)
		}
		if s.RecoverySnapshotID != "" {
			// A snapshot the server does not have (never had, or expired
			// under its PIT policy) refuses the whole request, before any
			// job exists. StartRecovery's errors are ConflictException,
			// InternalServerException, ServiceQuotaExceededException,
			// ThrottlingException and UninitializedAccountException only
			// (https://docs.aws.amazon.com/drs/latest/APIReference/API_StartRecovery.html):
			// conform answers ConflictException, naming the snapshot.
			if _, ok := snapshotTime(r, s.RecoverySnapshotID, c.now); !ok {
				return nil, notFound("RECOVERY_SNAPSHOT", s.RecoverySnapshotID)
			}
			snaps[s.SourceServerID] = s.RecoverySnapshotID
		}
		servers = append(servers, r)
	}
	for _, r := range servers {
		if j := e.busyWith(r.Server.SourceServerID); j != nil {
			return nil, conflict("SOURCE_SERVER", r.Server.SourceServerID,
				fmt.Sprintf("source server %s is already part of active job %s; wait for it to complete", r.Server.SourceServerID, j.Job.JobID))
		}
	}
	if err := checkJobQuotas(e, len(servers)); err != nil {
		return nil, err
	}

	drill := req.IsDrill != nil && *req.IsDrill
	initiatedBy, launchType := "START_RECOVERY", "RECOVERY"
	if drill {
		initiatedBy, launchType = "START_DRILL", "DRILL"
	}
	j := newJob(e, "LAUNCH", initiatedBy, req.Tags, c.now)
	j.IsDrill = drill
	if len(snaps) > 0 {
		j.Snaps = snaps
	}
	for _, r := range servers {
		j.Job.ParticipatingServers = append(j.Job.ParticipatingServers,
			participatingSrv{SourceServerID: r.Server.SourceServerID, LaunchStatus: "PENDING"})
		r.Server.LastLaunchResult = "PENDING"
		r.Server.LifeCycle.LastLaunch = &lifeCycleLaunch{
			Initiated: lifeCycleLaunchInitiated{APICallDateTime: formatTime(c.now), JobID: j.Job.JobID, Type: launchType},
			Status:    "PENDING",
		}
		e.dirtyServers[r.Server.SourceServerID] = true
	}
	planLaunch(j, c.now)
	e.addJob(j)
	return map[string]any{"job": j.Job}, nil
}

// checkJobQuotas enforces the per-job, concurrent-job and
// servers-in-active-jobs quotas for a new job of n servers.
func checkJobQuotas(e *estate, n int) *awswire.APIError {
	if limit := e.quota(QuotaServersPerJob); n > limit {
		q, _ := quotaByCode(QuotaServersPerJob)
		return quotaExceeded(q, limit, "JOB", "", fmt.Sprintf("this job would hold %d source servers: split it into jobs of at most %d", n, limit))
	}
	jobs, servers := e.activeJobs()
	if limit := e.quota(QuotaConcurrentJobs); jobs+1 > limit {
		q, _ := quotaByCode(QuotaConcurrentJobs)
		return quotaExceeded(q, limit, "JOB", "", fmt.Sprintf("%d jobs are already active: wait for one to complete", jobs))
	}
	if limit := e.quota(QuotaServersActiveJobs); servers+n > limit {
		q, _ := quotaByCode(QuotaServersActiveJobs)
		return quotaExceeded(q, limit, "JOB", "", fmt.Sprintf("active jobs already hold %d source servers and this job adds %d", servers, n))
	}
	return nil
}

func newJob(e *estate, typ, initiatedBy string, tags map[string]string, now time.Time) *jobRecord {
	seq := e.nextSeq()
	id := jobIDFor(e.key, seq)
	if tags == nil {
		tags = map[string]string{}
	}
	return &jobRecord{Seq: seq, Job: job{
		JobID:            id,
		Arn:              arnFor(e.key, "job", id),
		Type:             typ,
		InitiatedBy:      initiatedBy,
		CreationDateTime: formatTime(now),
		Status:           "PENDING",
		Tags:             copyTags(tags),
	}}
}

func opTerminateRecoveryInstances(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		RecoveryInstanceIDs []string `json:"recoveryInstanceIDs"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if len(req.RecoveryInstanceIDs) == 0 {
		return nil, invalidField("recoveryInstanceIDs", "is required: list at least one recovery instance")
	}
	if len(req.RecoveryInstanceIDs) > 200 {
		return nil, invalidField("recoveryInstanceIDs", "lists %d instances; at most 200 are allowed", len(req.RecoveryInstanceIDs))
	}
	e := c.e
	var insts []*instanceRecord
	seen := map[string]bool{}
	for i, id := range req.RecoveryInstanceIDs {
		at := fmt.Sprintf("recoveryInstanceIDs[%d]", i)
		if id == "" || !reRecoveryInstance.MatchString(id) {
			return nil, invalidField(at, "%q is not a recovery instance ID (i- and 8 to 17 hex digits)", id)
		}
		if seen[id] {
			return nil, invalidField(at, "%s is listed twice", id)
		}
		seen[id] = true
		r, ok := e.instances[id]
		if !ok {
			return nil, notFound("RECOVERY_INSTANCE", id)
		}
		insts = append(insts, r)
	}
	for _, r := range insts {
		if j := e.busyWith(r.Instance.SourceServerID); j != nil {
			return nil, conflict("RECOVERY_INSTANCE", r.Instance.RecoveryInstanceID,
				fmt.Sprintf("recovery instance %s belongs to source server %s, which is part of active job %s; wait for it to complete",
					r.Instance.RecoveryInstanceID, r.Instance.SourceServerID, j.Job.JobID))
		}
	}
	if err := checkJobQuotas(e, len(insts)); err != nil {
		return nil, err
	}
	j := newJob(e, "TERMINATE", "TERMINATE_RECOVERY_INSTANCES", nil, c.now)
	for _, r := range insts {
		j.Job.ParticipatingServers = append(j.Job.ParticipatingServers, participatingSrv{
			SourceServerID: r.Instance.SourceServerID, RecoveryInstanceID: r.Instance.RecoveryInstanceID, LaunchStatus: "PENDING"})
	}
	planTerminate(j, c.now)
	e.addJob(j)
	return map[string]any{"job": j.Job}, nil
}

func opDescribeJobs(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		Filters *struct {
			JobIDs   []string `json:"jobIDs"`
			FromDate string   `json:"fromDate"`
			ToDate   string   `json:"toDate"`
		} `json:"filters"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	match := func(*jobRecord) bool { return true }
	if f := req.Filters; f != nil {
		if len(f.JobIDs) > 1000 {
			return nil, invalidField("filters.jobIDs", "lists %d IDs; at most 1000 are allowed", len(f.JobIDs))
		}
		for i, id := range f.JobIDs {
			if !reJobID.MatchString(id) {
				return nil, invalidField(fmt.Sprintf("filters.jobIDs[%d]", i), "%q is not a job ID (drsjob- and 17 letters or digits)", id)
			}
		}
		var from, to time.Time
		var err *awswire.APIError
		if f.FromDate != "" {
			if from, err = parseWireTime("filters.fromDate", f.FromDate); err != nil {
				return nil, err
			}
		}
		if f.ToDate != "" {
			if to, err = parseWireTime("filters.toDate", f.ToDate); err != nil {
				return nil, err
			}
		}
		match = func(j *jobRecord) bool {
			if len(f.JobIDs) > 0 && !slices.Contains(f.JobIDs, j.Job.JobID) {
				return false
			}
			created, _ := time.Parse(wireTime, j.Job.CreationDateTime)
			if !from.IsZero() && created.Before(from) {
				return false
			}
			if !to.IsZero() && created.After(to) {
				return false
			}
			return true
		}
	}
	// Newest first: "The response is sorted by creationDataTime - latest
	// date first" (https://docs.aws.amazon.com/drs/latest/APIReference/API_DescribeJobs.html).
	// The page key grows along the list: minus the creation sequence.
	var hits []*jobRecord
	for i := len(c.e.jobs) - 1; i >= 0; i-- {
		if j := c.e.jobs[i]; match(j) {
			hits = append(hits, j)
		}
	}
	return pageOf("DescribeJobs", req.listRequest, hits, func(j *jobRecord) int64 { return -j.Seq },
		func(j *jobRecord) job { return j.Job })
}

func (c *opContext) job(id string) (*jobRecord, *awswire.APIError) {
	if id == "" {
		return nil, invalidField("jobID", "is required")
	}
	if !reJobID.MatchString(id) {
		return nil, invalidField("jobID", "%q is not a job ID (drsjob- and 17 letters or digits)", id)
	}
	j, ok := c.e.jobByID[id]
	if !ok {
		return nil, notFound("JOB", id)
	}
	return j, nil
}

func opDescribeJobLogItems(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		JobID string `json:"jobID"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	j, err := c.job(req.JobID)
	if err != nil {
		return nil, err
	}
	from, to, next, err := page("DescribeJobLogItems", len(j.Logs), func(i int) int64 { return int64(i) }, req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	return listResponse{Items: append([]jobLog{}, j.Logs[from:to]...), NextToken: next}, nil
}

func opDeleteJob(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		JobID string `json:"jobID"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	j, err := c.job(req.JobID)
	if err != nil {
		return nil, err
	}
	if j.active() {
		return nil, conflict("JOB", j.Job.JobID, fmt.Sprintf("job %s is %s: only a COMPLETED job can be deleted", j.Job.JobID, j.Job.Status))
	}
	c.e.deleteJob(j.Job.JobID)
	return nil, nil
}

func opDescribeRecoveryInstances(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		Filters *struct {
			RecoveryInstanceIDs []string `json:"recoveryInstanceIDs"`
			SourceServerIDs     []string `json:"sourceServerIDs"`
		} `json:"filters"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	match := func(*instanceRecord) bool { return true }
	if f := req.Filters; f != nil {
		if len(f.RecoveryInstanceIDs) > 200 {
			return nil, invalidField("filters.recoveryInstanceIDs", "lists %d IDs; at most 200 are allowed", len(f.RecoveryInstanceIDs))
		}
		for i, id := range f.RecoveryInstanceIDs {
			if !reRecoveryInstance.MatchString(id) {
				return nil, invalidField(fmt.Sprintf("filters.recoveryInstanceIDs[%d]", i), "%q is not a recovery instance ID (i- and 8 to 17 hex digits)", id)
			}
		}
		for i, id := range f.SourceServerIDs {
			if err := checkSourceServerID(fmt.Sprintf("filters.sourceServerIDs[%d]", i), id); err != nil {
				return nil, err
			}
		}
		match = func(r *instanceRecord) bool {
			if len(f.RecoveryInstanceIDs) > 0 && !slices.Contains(f.RecoveryInstanceIDs, r.Instance.RecoveryInstanceID) {
				return false
			}
			return len(f.SourceServerIDs) == 0 || slices.Contains(f.SourceServerIDs, r.Instance.SourceServerID)
		}
	}
	var hits []*instanceRecord
	for _, r := range c.e.instances {
		if match(r) {
			hits = append(hits, r)
		}
	}
	slices.SortFunc(hits, func(a, b *instanceRecord) int { return int(a.Seq - b.Seq) })
	return pageOf("DescribeRecoveryInstances", req.listRequest, hits, func(r *instanceRecord) int64 { return r.Seq },
		func(r *instanceRecord) recoveryInstance { return r.Instance })
}
