package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// PlanJSON is a deployed plan as `plans --json` prints it.
type PlanJSON struct {
	Name          string             `json:"name"`
	ARN           string             `json:"arn"`
	Levels        int                `json:"levels"`
	Servers       int                `json:"servers"`
	Waves         []PlanWaveJSON     `json:"waves"`
	LastExecution *LastExecutionJSON `json:"last_execution"`
	// RTOSeconds is the plan's recovery time objective (absent: none).
	RTOSeconds int `json:"rto_seconds,omitempty"`
}

// PlanWaveJSON is one wave of a deployed plan.
type PlanWaveJSON struct {
	Name        string   `json:"name"`
	Level       int      `json:"level"`
	PauseBefore bool     `json:"pause_before"`
	Servers     []string `json:"source_server_ids"`
	RTOSeconds  int      `json:"rto_seconds,omitempty"`
}

// LastExecutionJSON is the newest execution of a plan.
type LastExecutionJSON struct {
	Name      string     `json:"name"`
	ARN       string     `json:"arn"`
	Status    string     `json:"status"`
	StartedAt *time.Time `json:"started_at"`
}

func newPlansCommand(env *Env) *cobra.Command {
	return command(env, &cobra.Command{
		Use:   "plans",
		Short: "List the deployed recovery plans: waves, levels, servers, last execution",
		Args:  exactArgs(0, "no arguments"),
	}, func(ctx context.Context, s *session, _ []string) error {
		list, err := listPlans(ctx, s)
		if err != nil {
			return err
		}
		if s.flags.json {
			return writeJSON(s.env.Stdout, list)
		}
		if len(list) == 0 {
			fmt.Fprintf(s.env.Stdout, "No recovery plans are deployed in %s.\n", s.clients.Region)
			return nil
		}
		tw := tabwriter.NewWriter(s.env.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PLAN\tWAVES\tLEVELS\tSERVERS\tLAST EXECUTION\tSTATUS\tSTARTED")
		for _, p := range list {
			last, status, started := "-", "-", "-"
			if l := p.LastExecution; l != nil {
				last, status = l.Name, l.Status
				if l.StartedAt != nil {
					started = formatTime(*l.StartedAt)
				}
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\n", p.Name, len(p.Waves), p.Levels, p.Servers, last, status, started)
		}
		return tw.Flush()
	})
}

func listPlans(ctx context.Context, s *session) ([]PlanJSON, error) {
	machines, err := executions.Plans(ctx, s.clients.SFN)
	if err != nil {
		return nil, apiError("list recovery plans", err)
	}
	out := []PlanJSON{}
	for _, sm := range machines {
		arn := aws.ToString(sm.StateMachineArn)
		def, found, err := plans.Find(ctx, s.clients.SFN, arn)
		if err != nil {
			return nil, apiError("describe plan "+aws.ToString(sm.Name), err)
		}
		if !found {
			continue
		}
		view, err := statemachine.Describe(aws.ToString(def.Definition))
		if err != nil {
			continue // named like a plan, but not compiled by drsorch
		}
		name, _ := plans.PlanName(aws.ToString(sm.Name))
		p := PlanJSON{Name: name, ARN: arn, Levels: len(view.Levels), Waves: []PlanWaveJSON{}, RTOSeconds: int(view.RTO.Seconds())}
		for _, w := range view.Waves() {
			ids := append([]string{}, w.SourceServerIDs...)
			p.Waves = append(p.Waves, PlanWaveJSON{Name: w.Name, Level: w.Level, PauseBefore: w.PauseBefore, Servers: ids, RTOSeconds: int(w.RTO.Seconds())})
			p.Servers += len(ids)
		}
		last, err := lastExecution(ctx, s, arn)
		if err != nil {
			return nil, apiError("list executions of plan "+name, err)
		}
		if last != nil {
			p.LastExecution = &LastExecutionJSON{Name: aws.ToString(last.Name), ARN: aws.ToString(last.ExecutionArn),
				Status: string(last.Status), StartedAt: timePtr(aws.ToTime(last.StartDate))}
		}
		out = append(out, p)
	}
	return out, nil
}
