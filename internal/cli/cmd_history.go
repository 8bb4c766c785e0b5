package cli

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// HistoryJSON is one execution of the audit trail (`history --json`).
type HistoryJSON struct {
	Plan      string     `json:"plan"`
	Name      string     `json:"name"`
	ARN       string     `json:"arn"`
	Type      string     `json:"type"`
	Status    string     `json:"status"`
	InvokedBy string     `json:"invoked_by"`
	StartedAt *time.Time `json:"started_at"`
	StoppedAt *time.Time `json:"stopped_at"`
	// DurationSeconds runs to now for a running execution.
	DurationSeconds int64 `json:"duration_seconds"`
	// Approvals are the released pause gates, oldest first.
	Approvals []ApprovalJSON `json:"approvals"`
}

func newHistoryCommand(env *Env) *cobra.Command {
	var (
		since, status string
		limit         int
	)
	cmd := command(env, &cobra.Command{
		Use:   "history [PLAN] [--since DURATION] [--status S]",
		Short: "The audit trail: executions with type, status, who started and who approved them, start and duration",
		Long: `history lists the executions of one plan or of every plan, newest first,
with their type (DRILL or RECOVERY), status, who started them (the caller
ARN recorded at start), who approved their pause gates (the approver's ARN
from STS, per wave), start time and duration.

--since takes a duration such as 90m, 36h or 7d; --status one of RUNNING,
SUCCEEDED, FAILED, TIMED_OUT, ABORTED; --limit caps the rows (default
100, 0 for all).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError("history takes at most one PLAN (got %d arguments)", len(args))
			}
			return nil
		},
	}, func(ctx context.Context, s *session, args []string) error {
		window, err := parseSince(since)
		if err != nil {
			return err
		}
		statusFilter, err := parseStatus(status)
		if err != nil {
			return err
		}
		var targets []plan
		if len(args) == 1 {
			p, err := resolvePlan(ctx, s, args[0])
			if err != nil && (!isNotFound(err) || plans.ValidateName(args[0]) != nil) {
				return err
			}
			if err != nil { // destroyed or renamed: its log group keeps the trail
				logged, lerr := executions.LoggedPlans(ctx, s.clients.Logs)
				if lerr != nil {
					return apiError("list the plans' log groups", lerr)
				}
				if !slices.Contains(logged, args[0]) {
					return err // neither deployed nor ever logged: a typo
				}
				p = &plan{Name: args[0]}
			}
			targets = append(targets, *p)
		} else {
			all, err := executions.Plans(ctx, s.clients.SFN)
			if err != nil {
				return apiError("list recovery plans", err)
			}
			for _, sm := range all {
				name, _ := plans.PlanName(aws.ToString(sm.Name))
				targets = append(targets, plan{Name: name, ARN: aws.ToString(sm.StateMachineArn)})
			}
		}
		if limit < 0 {
			return usageError("--limit must be 0 (no limit) or more, got %d", limit)
		}
		now := s.env.now()
		machines := map[string]string{}
		for _, p := range targets {
			if p.ARN != "" {
				machines[p.Name] = p.ARN
			}
		}
		f := executions.Filter{Limit: limit}
		if statusFilter != "" {
			f.Statuses = []sfntypes.ExecutionStatus{statusFilter}
		}
		if window > 0 {
			f.StartedAfter = now.Add(-window)
		}
		// Who started a run is in its input: one read per row shown.
		list, err := executions.List(ctx, s.clients.SFN, machines, f)
		if err != nil {
			return apiError("list executions", err)
		}
		rows := []HistoryJSON{}
		for _, e := range list {
			row, err := historyRow(ctx, s, e, now)
			if err != nil {
				return err
			}
			rows = append(rows, row)
		}
		// Step Functions forgets executions 90 days after they end and at
		// once with their plan; the plans' log groups remember them.
		logged := []string{}
		for _, p := range targets {
			logged = append(logged, p.Name)
		}
		if len(args) == 0 {
			gone, err := loggedOnlyPlans(ctx, s, targets)
			if err != nil {
				return err
			}
			logged = append(logged, gone...)
		}
		known := map[string]bool{}
		for _, r := range rows {
			known[r.ARN] = true
		}
		for _, name := range logged {
			more, err := loggedHistoryRows(ctx, s, name, known, window, statusFilter, now)
			if err != nil {
				return err
			}
			rows = append(rows, more...)
		}
		sort.SliceStable(rows, func(i, j int) bool { return aws.ToTime(rows[i].StartedAt).After(aws.ToTime(rows[j].StartedAt)) })
		if limit > 0 && len(rows) > limit {
			rows = rows[:limit]
		}
		if s.flags.json {
			return writeJSON(s.env.Stdout, rows)
		}
		if len(rows) == 0 {
			fmt.Fprintln(s.env.Stdout, "No executions match.")
			return nil
		}
		tw := tabwriter.NewWriter(s.env.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STARTED\tPLAN\tEXECUTION\tTYPE\tSTATUS\tSTARTED BY\tDURATION\tAPPROVED")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", formatTime(*r.StartedAt), r.Plan, r.Name, orDash(r.Type), r.Status,
				orDash(r.InvokedBy), formatDuration(time.Duration(r.DurationSeconds)*time.Second), approvalsCell(r.Approvals))
		}
		return tw.Flush()
	})
	cmd.Flags().StringVar(&since, "since", "", "only executions started within this long ago (e.g. 90m, 36h, 7d)")
	cmd.Flags().IntVar(&limit, "limit", 100, "show at most this many executions, newest first (0: all)")
	cmd.Flags().StringVar(&status, "status", "", "only executions with this status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED)")
	return cmd
}

// historyRow adds a listed execution's approvals and duration.
func historyRow(ctx context.Context, s *session, e executions.Summary, now time.Time) (HistoryJSON, error) {
	end := e.StoppedAt
	if end.IsZero() {
		end = now
	}
	if end.Before(e.StartedAt) { // a run service's simulated clock ahead of ours
		end = e.StartedAt
	}
	approvals, err := executions.Approvals(ctx, s.clients.SFN, e.ARN)
	if err != nil {
		return HistoryJSON{}, apiError("read the approvals of "+e.ARN, err)
	}
	aj := []ApprovalJSON{}
	for i := range approvals {
		aj = append(aj, *approvalJSON("", &approvals[i]))
	}
	return HistoryJSON{
		Approvals: aj,
		Plan:      e.Plan, Name: e.Name, ARN: e.ARN, Type: e.Type,
		Status: string(e.Status), InvokedBy: e.InvokedBy, StartedAt: timePtr(e.StartedAt), StoppedAt: timePtr(e.StoppedAt),
		DurationSeconds: int64(end.Sub(e.StartedAt).Round(time.Second) / time.Second),
	}, nil
}

// approvalsCell lists "wave by approver" for the history table.
func approvalsCell(as []ApprovalJSON) string {
	if len(as) == 0 {
		return "-"
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = orDash(a.Wave) + " by " + a.ApprovedBy
	}
	return strings.Join(parts, "; ")
}

// parseSince accepts Go durations plus whole days ("7d").
func parseSince(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, usageError("--since %q is not a positive duration: use e.g. 90m, 36h or 7d", s)
	}
	return d, nil
}

func parseStatus(s string) (sfntypes.ExecutionStatus, error) {
	if s == "" {
		return "", nil
	}
	want := sfntypes.ExecutionStatus(strings.ToUpper(s))
	var names []string
	for _, v := range want.Values() {
		if v == want {
			return v, nil
		}
		names = append(names, string(v))
	}
	return "", usageError("--status %q: use one of %s", s, strings.Join(names, ", "))
}
