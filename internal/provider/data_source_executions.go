package provider

import (
	"context"
	"fmt"
	"time"

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
	var f executions.Filter
	for _, st := range m.Statuses {
		f.Statuses = append(f.Statuses, sfntypes.ExecutionStatus(st))
	}
	if !m.StartedAfter.IsNull() {
		f.StartedAfter, _ = time.Parse(time.RFC3339, m.StartedAfter.ValueString()) // checked by the validator
	}
	if !m.StartedBefore.IsNull() {
		f.StartedBefore, _ = time.Parse(time.RFC3339, m.StartedBefore.ValueString())
	}
	list, err := executions.List(ctx, d.data.clients.SFN, machines, f)
	if err != nil {
		addAPIError(&resp.Diagnostics, "list recovery plan executions", err)
		return
	}
	items := make([]executionListItemModel, len(list))
	for i, e := range list {
		items[i] = executionListItemModel{
			ARN: e.ARN, Name: e.Name, Plan: e.Plan, Status: string(e.Status),
			StartedAt: e.StartedAt.Format(time.RFC3339), StoppedAt: optionalTime(e.StoppedAt),
			Type: optionalString(e.Type), InvokedBy: optionalString(e.InvokedBy),
		}
	}
	m.Executions = items
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
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
	out, err := executions.Machines(ctx, api)
	if err != nil {
		addAPIError(&resp.Diagnostics, "list recovery plans (ListStateMachines)", err)
		return nil, false
	}
	return out, true
}
