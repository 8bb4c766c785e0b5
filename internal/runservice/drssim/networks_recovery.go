package drssim

import (
	"fmt"
	"regexp"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Network recovery: StartSourceNetworkRecovery deploys a source network's
// VPC in the recovery region through a CloudFormation stack (simulated: a
// stack name and a VPC ID) and points launch templates at it;
// AssociateSourceNetworkStack adopts an existing stack instead.

// Timeline kinds of network jobs.
const (
	evNetworkDeployStart = "NETWORK_DEPLOY_START"
	evNetworkDeployEnd   = "NETWORK_DEPLOY_END"
	evNetworkTemplates   = "NETWORK_TEMPLATES"
)

var reCfnStackName = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)

// networkBusy reports an active job that involves the network.
func (e *estate) networkBusy(id string) *jobRecord {
	for _, j := range e.jobs {
		if !j.active() {
			continue
		}
		for _, p := range j.Job.ParticipatingResources {
			if p.ParticipatingResourceID.SourceNetworkID == id {
				return j
			}
		}
	}
	return nil
}

// startNetworkJob creates and plans a network job for the networks.
func (c *opContext) startNetworkJob(initiatedBy string, nets []*sourceNetworkRecord, stacks map[string]string, tags map[string]string) (*jobRecord, *awswire.APIError) {
	e := c.e
	if jobs, _ := e.activeJobs(); jobs+1 > e.quota(QuotaConcurrentJobs) {
		q, _ := quotaByCode(QuotaConcurrentJobs)
		return nil, quotaExceeded(q, e.quota(QuotaConcurrentJobs), "JOB", "", fmt.Sprintf("%d jobs are already active: wait for one to complete", jobs))
	}
	j := newJob(e, "LAUNCH", initiatedBy, tags, c.now)
	j.Job.ParticipatingServers = []participatingSrv{}
	plan := []plannedEvent{{At: c.now.Add(jobStartDelay), Kind: evJobStarted}}
	end := c.now.Add(jobStartDelay)
	for _, n := range nets {
		id := n.Network.SourceNetworkID
		j.Job.ParticipatingResources = append(j.Job.ParticipatingResources, participatingResource{
			ParticipatingResourceID: participatingResourceID{SourceNetworkID: id}, LaunchStatus: "PENDING"})
		t := c.now.Add(secs(20 + spread(11, j.Job.JobID, id, "deploy")))
		plan = append(plan, plannedEvent{At: t, Kind: evNetworkDeployStart, ServerID: id, InstanceID: stacks[id]})
		if initiatedBy != "ASSOCIATE_NETWORK_RECOVERY" {
			t = t.Add(secs(180 + spread(61, j.Job.JobID, id, "stack")))
		} else {
			t = t.Add(30 * time.Second)
		}
		plan = append(plan, plannedEvent{At: t, Kind: evNetworkDeployEnd, ServerID: id, InstanceID: stacks[id]})
		t = t.Add(30 * time.Second)
		plan = append(plan, plannedEvent{At: t, Kind: evNetworkTemplates, ServerID: id, InstanceID: stacks[id]})
		if t.After(end) {
			end = t
		}
		n.Network.LastRecovery = &recoveryLifeCycle{APICallDateTime: formatTime(c.now), JobID: j.Job.JobID, LastRecoveryResult: "IN_PROGRESS"}
	}
	plan = append(plan, plannedEvent{At: end.Add(jobEndDelay), Kind: evJobEnd})
	sortPlan(plan)
	j.Plan = plan
	e.addJob(j)
	e.dirtyMeta = true
	return j, nil
}

// applyNetwork applies a network job's step: ServerID holds the network
// and InstanceID the CloudFormation stack name.
func (e *estate) applyNetwork(j *jobRecord, ev plannedEvent) {
	var res *participatingResource
	for i := range j.Job.ParticipatingResources {
		if j.Job.ParticipatingResources[i].ParticipatingResourceID.SourceNetworkID == ev.ServerID {
			res = &j.Job.ParticipatingResources[i]
		}
	}
	var n *sourceNetworkRecord
	for _, x := range e.templates.Networks {
		if x.Network.SourceNetworkID == ev.ServerID {
			n = x
		}
	}
	if res == nil {
		return
	}
	update := j.Job.InitiatedBy == "UPDATE_NETWORK_RECOVERY"
	switch ev.Kind {
	case evNetworkDeployStart:
		res.LaunchStatus = "IN_PROGRESS"
		if update {
			j.log(ev.At, "UPDATE_NETWORK_CONFIGURATION_START", nil)
		} else {
			j.log(ev.At, "DEPLOY_NETWORK_CONFIGURATION_START", nil)
		}
	case evNetworkDeployEnd:
		if n == nil { // deleted meanwhile
			res.LaunchStatus = "FAILED"
			j.log(ev.At, "NETWORK_RECOVERY_FAIL", &jobLogDetail{RawError: "the source network was deleted"})
			return
		}
		if update {
			j.log(ev.At, "UPDATE_NETWORK_CONFIGURATION_END", nil)
		} else {
			j.log(ev.At, "DEPLOY_NETWORK_CONFIGURATION_END", nil)
		}
		n.Network.CfnStackName = ev.InstanceID
		n.Network.LaunchedVpcID = hashID("vpc-", 17, e.key.Account, e.key.Region, "stack", ev.InstanceID)
		e.dirtyMeta = true
	case evNetworkTemplates:
		if res.LaunchStatus == "FAILED" {
			return
		}
		j.log(ev.At, "UPDATE_LAUNCH_TEMPLATE_START", nil)
		j.log(ev.At, "UPDATE_LAUNCH_TEMPLATE_END", nil)
		res.LaunchStatus = "LAUNCHED"
		if n != nil && n.Network.LastRecovery != nil && n.Network.LastRecovery.JobID == j.Job.JobID {
			result := "SUCCESS"
			if j.Job.InitiatedBy == "ASSOCIATE_NETWORK_RECOVERY" {
				result = "ASSOCIATE_SUCCESS"
			}
			n.Network.LastRecovery.LastRecoveryResult = result
			e.dirtyMeta = true
		}
	}
}

func opStartSourceNetworkRecovery(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		SourceNetworks []struct {
			SourceNetworkID string `json:"sourceNetworkID"`
			CfnStackName    string `json:"cfnStackName"`
		} `json:"sourceNetworks"`
		DeployAsNew *bool             `json:"deployAsNew"`
		Tags        map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if len(req.SourceNetworks) == 0 || len(req.SourceNetworks) > 100 {
		return nil, invalidField("sourceNetworks", "lists %d networks: use 1 to 100", len(req.SourceNetworks))
	}
	if err := checkTags("tags", req.Tags); err != nil {
		return nil, err
	}
	var nets []*sourceNetworkRecord
	stacks := map[string]string{}
	update := true
	for i, in := range req.SourceNetworks {
		at := fmt.Sprintf("sourceNetworks[%d]", i)
		n, err := c.e.network(in.SourceNetworkID)
		if err != nil {
			if err.Code == eValidation {
				err.Fields["fieldList"] = []fieldError{{Name: at + ".sourceNetworkID", Message: err.Message}}
			}
			return nil, err
		}
		id := n.Network.SourceNetworkID
		if _, dup := stacks[id]; dup {
			return nil, invalidField(at+".sourceNetworkID", "%s is listed twice", id)
		}
		if in.CfnStackName != "" && !reCfnStackName.MatchString(in.CfnStackName) {
			return nil, invalidField(at+".cfnStackName", "%q is not a CloudFormation stack name", in.CfnStackName)
		}
		if j := c.e.networkBusy(id); j != nil {
			return nil, conflict("SOURCE_NETWORK", id, fmt.Sprintf("source network %s is part of active job %s", id, j.Job.JobID))
		}
		stack := in.CfnStackName
		if stack == "" {
			stack = n.Network.CfnStackName
		}
		if stack == "" || (req.DeployAsNew != nil && *req.DeployAsNew) {
			if in.CfnStackName == "" {
				stack = "drs-network-" + id + "-" + itoa(c.e.seq+1)
			}
			update = false
		}
		if n.Network.LaunchedVpcID == "" {
			update = false
		}
		stacks[id] = stack
		nets = append(nets, n)
	}
	initiatedBy := "CREATE_NETWORK_RECOVERY"
	if update {
		initiatedBy = "UPDATE_NETWORK_RECOVERY"
	}
	j, err := c.startNetworkJob(initiatedBy, nets, stacks, req.Tags)
	if err != nil {
		return nil, err
	}
	return map[string]any{"job": j.Job}, nil
}

func opAssociateSourceNetworkStack(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		SourceNetworkID string `json:"sourceNetworkID"`
		CfnStackName    string `json:"cfnStackName"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	n, err := c.e.network(req.SourceNetworkID)
	if err != nil {
		return nil, err
	}
	if err := checkRequiredPattern("cfnStackName", req.CfnStackName, reCfnStackName, "a CloudFormation stack name (a letter, then letters, digits and -; at most 128)"); err != nil {
		return nil, err
	}
	id := n.Network.SourceNetworkID
	if j := c.e.networkBusy(id); j != nil {
		return nil, conflict("SOURCE_NETWORK", id, fmt.Sprintf("source network %s is part of active job %s", id, j.Job.JobID))
	}
	j, err := c.startNetworkJob("ASSOCIATE_NETWORK_RECOVERY", []*sourceNetworkRecord{n}, map[string]string{id: req.CfnStackName}, nil)
	if err != nil {
		return nil, err
	}
	return map[string]any{"job": j.Job}, nil
}
