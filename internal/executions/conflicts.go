package executions

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// Conflict is a server that a new run would share with work already in
// progress: another running (or paused) drsorch execution, or an active
// DRS job. DRS allows one job per source server, so such a run would fail.
type Conflict struct {
	SourceServerID string
	Execution      string // the other drsorch execution, if any
	Plan           string
	JobID          string // the active DRS job, if any
}

func (c Conflict) String() string {
	if c.Execution != "" {
		return fmt.Sprintf("source server %s is in running execution %s of plan %s", c.SourceServerID, c.Execution, c.Plan)
	}
	return fmt.Sprintf("source server %s is in active DRS job %s", c.SourceServerID, c.JobID)
}

// Conflicts finds the servers of view that are busy now. exclude is an
// execution ARN to leave out (the run itself, when re-checking).
func Conflicts(ctx context.Context, c Clients, view *statemachine.PlanView, exclude string) ([]Conflict, error) {
	mine := map[string]bool{}
	for _, w := range view.Waves() {
		for _, id := range w.SourceServerIDs {
			mine[id] = true
		}
	}
	var out []Conflict
	machines, err := Plans(ctx, c.SFN)
	if err != nil {
		return nil, err
	}
	for _, sm := range machines {
		running, err := plans.Executions(ctx, c.SFN, aws.ToString(sm.StateMachineArn), sfntypes.ExecutionStatusRunning)
		if err != nil {
			return nil, err
		}
		for _, ex := range running {
			arn := aws.ToString(ex.ExecutionArn)
			if arn == exclude {
				continue
			}
			def, err := c.SFN.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: ex.ExecutionArn})
			if err != nil {
				return nil, err
			}
			other, err := statemachine.Describe(aws.ToString(def.Definition))
			if err != nil {
				continue // not a drsorch definition
			}
			for _, w := range other.Waves() {
				for _, id := range w.SourceServerIDs {
					if mine[id] {
						out = append(out, Conflict{SourceServerID: id, Execution: arn, Plan: other.Name})
					}
				}
			}
		}
	}
	jobs, err := drsapi.ActiveJobs(ctx, c.DRS)
	if err != nil {
		return nil, err
	}
	for _, j := range jobs {
		for _, p := range j.ParticipatingServers {
			if id := aws.ToString(p.SourceServerID); mine[id] {
				out = append(out, Conflict{SourceServerID: id, JobID: aws.ToString(j.JobID)})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SourceServerID < out[j].SourceServerID })
	return out, nil
}

// Plans lists the state machines of the deployed drsorch plans.
func Plans(ctx context.Context, api *sfn.Client) ([]sfntypes.StateMachineListItem, error) {
	var out []sfntypes.StateMachineListItem
	pages := sfn.NewListStateMachinesPaginator(api, &sfn.ListStateMachinesInput{MaxResults: 1000})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, sm := range page.StateMachines {
			if _, ok := plans.PlanName(aws.ToString(sm.Name)); ok {
				out = append(out, sm)
			}
		}
	}
	return out, nil
}

// Headroom checks the plan's levels against the live DRS quotas and the
// jobs active now. The first level starts at once, so a shortfall there is
// an error; later levels start later, so theirs are warnings.
func Headroom(ctx context.Context, c Clients, view *statemachine.PlanView) (recoveryplan.Problems, error) {
	q, usage, err := drsapi.RunLimits(ctx, c.Quotas, c.DRS)
	if err != nil {
		return nil, err
	}
	plan := view.Plan()
	levels, err := plan.Levels()
	if err != nil {
		return nil, err
	}
	ps := plan.ValidateQuotas(levels, q, usage)
	first := map[int]bool{}
	for _, name := range levels[0] {
		for i, w := range plan.Waves {
			if w.Name == name {
				first[i] = true
			}
		}
	}
	for i := range ps {
		if ps[i].Severity == recoveryplan.Warning && first[ps[i].Wave] && strings.HasPrefix(ps[i].Detail, "level 1 ") {
			ps[i].Severity = recoveryplan.Error
		}
	}
	return ps, nil
}
