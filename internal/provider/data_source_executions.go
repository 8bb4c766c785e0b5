package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

type executionsDataSource struct{ data *providerData }

func newExecutionsDataSource() datasource.DataSource { return &executionsDataSource{} }

type executionsDataModel struct {
	regional                               // region: regional.go
	Plan          types.String             `tfsdk:"plan"`
	Statuses      []string                 `tfsdk:"statuses"`
	StartedAfter  types.String             `tfsdk:"started_after"`
	StartedBefore types.String             `tfsdk:"started_before"`
	Executions    []executionListItemModel `tfsdk:"executions"`
}

type executionListItemModel struct {
	ARN       string       `tfsdk:"arn"`
	Name      string       `tfsdk:"name"`
	Plan      string       `tfsdk:"plan"`
	Type      types.String `tfsdk:"type"`
	Status    string       `tfsdk:"status"`
	InvokedBy types.String `tfsdk:"invoked_by"`
	StartedAt string       `tfsdk:"started_at"`
	StoppedAt types.String `tfsdk:"stopped_at"`
}

// describeConcurrency bounds the DescribeExecution calls in flight: enough
// to hide latency, few enough to stay clear of Step Functions throttling.
const describeConcurrency = 4

func (d *executionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_executions"
}

func (d *executionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	var statuses []string
	for _, s := range sfntypes.ExecutionStatus("").Values() {
		statuses = append(statuses, string(s))
	}
	timeAttr := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Description: desc,
			Validators: []validator.String{funcValidator{what: "RFC 3339 time", check: checkRFC3339}}}
	}
	resp.Schema = schema.Schema{
		Description: "The audit trail of recovery plans: their executions (drills and recoveries) with who started each, newest first, " +
			"in the provider's region. Lists with ListExecutions, then reads each matching execution's input with one DescribeExecution " +
			"call per execution (for `type` and `invoked_by`): narrow with `plan`, `statuses` and the time range to keep large histories fast.",
		Attributes: map[string]schema.Attribute{
			"plan": schema.StringAttribute{
				Optional: true, Description: "Recovery plan name. When omitted, the executions of every drsorch plan in the region.",
				Validators: []validator.String{funcValidator{what: "recovery plan name", check: plans.ValidateName}},
			},
			"statuses": schema.SetAttribute{
				ElementType: types.StringType, Optional: true,
				Description: "Keep only executions in these Step Functions statuses (e.g. `RUNNING`, `SUCCEEDED`, `FAILED`). A paused execution is `RUNNING`.",
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(statuses...))},
			},
			"started_after":  timeAttr("Keep only executions started at or after this time (RFC 3339, e.g. `2026-01-31T00:00:00Z`)."),
			"started_before": timeAttr("Keep only executions started before this time (RFC 3339)."),
			"executions": schema.ListNestedAttribute{
				Computed: true, Description: "Matching executions, newest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"arn":        str("Execution ARN."),
					"name":       str("Execution name."),
					"plan":       str("Recovery plan name."),
					"type":       str("`DRILL` or `RECOVERY`; null when the input names neither."),
					"status":     str("Step Functions status."),
					"invoked_by": str("Who started it, from the execution input; null when not recorded."),
					"started_at": str("Start time (RFC 3339)."),
					"stopped_at": str("End time (RFC 3339); null while running."),
				}},
			},
		},
	}
}

func checkRFC3339(s string) error {
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return fmt.Errorf("%q is not an RFC 3339 time; write it like 2026-01-31T18:00:00Z or 2026-01-31T19:00:00+01:00", s)
	}
	return nil
}

func (d *executionsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var after, before types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("started_after"), &after)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("started_before"), &before)...)
	if after.IsNull() || after.IsUnknown() || before.IsNull() || before.IsUnknown() {
		return
	}
	a, errA := time.Parse(time.RFC3339, after.ValueString())
	b, errB := time.Parse(time.RFC3339, before.ValueString())
	if errA == nil && errB == nil && !a.Before(b) {
		resp.Diagnostics.AddAttributeError(path.Root("started_before"), "Empty time range",
			fmt.Sprintf("started_before (%s) must be later than started_after (%s); no execution can match.", before.ValueString(), after.ValueString()))
	}
}

func (d *executionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *executionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m executionsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	machines, ok := d.planMachines(ctx, m.Plan.ValueString(), resp)
	if !ok {
		return
	}
	f := executionFilter{statuses: m.Statuses}
	if !m.StartedAfter.IsNull() {
		f.after, _ = time.Parse(time.RFC3339, m.StartedAfter.ValueString()) // checked by the validator
	}
	if !m.StartedBefore.IsNull() {
		f.before, _ = time.Parse(time.RFC3339, m.StartedBefore.ValueString())
	}
	items, err := listExecutions(ctx, d.data.clients.SFN, machines, f)
	if err != nil {
		addAPIError(&resp.Diagnostics, "list recovery plan executions", err)
		return
	}
	m.Executions = items
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// executionFilter selects executions; zero fields select everything.
type executionFilter struct {
	statuses      []string
	after, before time.Time
}

func (f executionFilter) match(ex sfntypes.ExecutionListItem) bool {
	started := aws.ToTime(ex.StartDate)
	return (len(f.statuses) == 0 || slices.Contains(f.statuses, string(ex.Status))) &&
		(f.after.IsZero() || !started.Before(f.after)) && (f.before.IsZero() || started.Before(f.before))
}

// listExecutions lists the executions of machines (plan name → state
// machine ARN) that f selects, newest first, with their inputs read.
func listExecutions(ctx context.Context, api *sfn.Client, machines map[string]string, f executionFilter) ([]executionListItemModel, error) {
	// One status is filtered by Step Functions; several are filtered here.
	var statusFilter sfntypes.ExecutionStatus
	if len(f.statuses) == 1 {
		statusFilter = sfntypes.ExecutionStatus(f.statuses[0])
	}
	type row struct {
		item    executionListItemModel
		started time.Time
	}
	var rows []row
	for plan, machineARN := range machines {
		list, err := plans.Executions(ctx, api, machineARN, statusFilter)
		if err != nil {
			return nil, fmt.Errorf("recovery plan %s: %w", plan, err)
		}
		for _, ex := range list {
			if !f.match(ex) {
				continue
			}
			started := aws.ToTime(ex.StartDate)
			rows = append(rows, row{started: started, item: executionListItemModel{
				ARN: aws.ToString(ex.ExecutionArn), Name: aws.ToString(ex.Name), Plan: plan, Status: string(ex.Status),
				StartedAt: started.UTC().Format(time.RFC3339), StoppedAt: optTime(aws.ToTime(ex.StopDate)),
				Type: types.StringNull(), InvokedBy: types.StringNull(),
			}})
		}
	}
	// Newest first; the ARN breaks ties so the order is stable between reads.
	sort.Slice(rows, func(i, j int) bool {
		if !rows[i].started.Equal(rows[j].started) {
			return rows[i].started.After(rows[j].started)
		}
		return rows[i].item.ARN > rows[j].item.ARN
	})
	items := make([]executionListItemModel, len(rows))
	for i, r := range rows {
		items[i] = r.item
	}
	if err := readExecutionInputs(ctx, api, items); err != nil {
		return nil, err
	}
	return items, nil
}

// planMachines maps plan names to their state machine ARNs: the one plan
// asked for (which must exist), or every drsorch plan in the region.
func (d *executionsDataSource) planMachines(ctx context.Context, plan string, resp *datasource.ReadResponse) (map[string]string, bool) {
	api := d.data.clients.SFN
	if plan != "" {
		account, err := d.data.account(ctx)
		if err != nil {
			addAPIError(&resp.Diagnostics, "find the account of the provider's credentials (STS GetCallerIdentity)", err)
			return nil, false
		}
		machineARN := plans.ARN(d.data.partition(), d.data.clients.Region, account, plan)
		_, found, err := plans.Find(ctx, api, machineARN)
		if err != nil {
			addAPIError(&resp.Diagnostics, "read recovery plan "+plan, err)
			return nil, false
		}
		if !found {
			resp.Diagnostics.AddAttributeError(path.Root("plan"), "Recovery plan not found",
				fmt.Sprintf("There is no recovery plan %q (state machine %s) in %s. Check the name and the provider's region, or omit `plan` to list the executions of every plan.",
					plan, machineARN, d.data.clients.Region))
			return nil, false
		}
		return map[string]string{plan: machineARN}, true
	}
	machines, err := executions.Plans(ctx, api)
	if err != nil {
		addAPIError(&resp.Diagnostics, "list recovery plans (ListStateMachines)", err)
		return nil, false
	}
	out := map[string]string{}
	for _, sm := range machines {
		name, _ := plans.PlanName(aws.ToString(sm.Name))
		out[name] = aws.ToString(sm.StateMachineArn)
	}
	return out, true
}

// readExecutionInputs fills type and invoked_by from each execution's
// input: ListExecutions does not return inputs, so this is one
// DescribeExecution per item, a few at a time.
func readExecutionInputs(ctx context.Context, api *sfn.Client, items []executionListItemModel) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		slots    = make(chan struct{}, describeConcurrency)
	)
	for i := range items {
		wg.Add(1)
		slots <- struct{}{}
		go func(it *executionListItemModel) {
			defer func() { <-slots; wg.Done() }()
			out, err := api.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(it.ARN)})
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("%s: %w", it.ARN, err)
				}
				mu.Unlock()
				return
			}
			var in executions.Input
			_ = json.Unmarshal([]byte(aws.ToString(out.Input)), &in) // not JSON: type and invoked_by stay null
			it.Type, it.InvokedBy = optString(in.Type), optString(in.InvokedBy)
		}(&items[i])
	}
	wg.Wait()
	return firstErr
}
