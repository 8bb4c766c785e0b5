package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/protectiongroup"
)

var (
	_ resource.ResourceWithConfigure        = (*protectionGroupResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*protectionGroupResource)(nil)
	_ resource.ResourceWithImportState      = (*protectionGroupResource)(nil)
	_ resource.ResourceWithConfigValidators = (*protectionGroupResource)(nil)
)

type protectionGroupResource struct {
	clients *awsclient.Clients
	data    *providerData
}

func newProtectionGroupResource() resource.Resource { return &protectionGroupResource{} }

type protectionGroupModel struct {
	regional                               // region: regional.go
	ID                      types.String   `tfsdk:"id"`
	Name                    types.String   `tfsdk:"name"`
	Description             types.String   `tfsdk:"description"`
	SourceServerIDs         types.Set      `tfsdk:"source_server_ids"`
	SelectionTags           types.Map      `tfsdk:"selection_tags"`
	ResolvedSourceServerIDs types.Set      `tfsdk:"resolved_source_server_ids"`
	ServerCount             types.Int64    `tfsdk:"server_count"`
	ReplicatingCount        types.Int64    `tfsdk:"replicating_count"`
	Timeouts                timeouts.Value `tfsdk:"timeouts"`
}

func (r *protectionGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_protection_group"
}

func (r *protectionGroupResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A named set of DRS source servers, recovered together by a wave of a recovery plan. " +
			"Membership is the tag `" + protectiongroup.TagKey + "=<name>` on each member, so a server belongs to at most one group, " +
			"for every user of the account. Members are chosen by explicit IDs or by tags; the plan shows the resolved members.\n\n" +
			"A recovery plan whose waves reference the group's `id` deploys the group's planned members in the same apply. Two groups of one " +
			"configuration that want one server, or whose names differ only in case, fail the plan; a server another workspace takes at the same " +
			"moment is claimed race-free (one group gets it, the other fails naming both). Membership changed outside Terraform shows as drift " +
			"of `resolved_source_server_ids` and the next apply heals it; where it cannot (a server now owned by another group, or gone), the " +
			"plan warns instead of failing, so neither plans nor `terraform destroy` are blocked by what others did.\n\n" +
			"A group has no `tags`: it is not an AWS object of its own but a tag on each member, and user tags written there would be the " +
			"servers' tags (manage those with drsorch_source_server_tags). The provider's `default_tags` do not apply to it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				Description:   "The group name, known at plan. Reference it from recovery plan waves: the plan is then planned and applied after the group, with the group's planned members, so a membership change reaches the plan in the same apply.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:      true,
				Description:   "Group name, unique in the account and region ignoring case; at most 64 characters. Changing it replaces the group.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{funcValidator{"protection group name", protectiongroup.ValidateName}},
			},
			"description": schema.StringAttribute{
				Optional:    true,
				Description: "What the group holds. Kept in Terraform state only.",
				Validators:  []validator.String{stringvalidator.LengthAtMost(256)},
			},
			"source_server_ids": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "Members by source server ID. Exactly one of `source_server_ids` and `selection_tags`.",
				Validators: []validator.Set{setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.RegexMatches(sourceServerIDPattern, "must be a source server ID like s-1234567890abcdef0"))},
			},
			"selection_tags": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "Members by tags: every source server carrying all of these tags. New matching servers join at the next apply (the plan shows them, in the group and in the recovery plans using it).",
				Validators:  []validator.Map{mapvalidator.SizeAtLeast(1)},
			},
			"resolved_source_server_ids": schema.SetAttribute{
				Computed: true, ElementType: types.StringType,
				Description: "The members, as resolved at plan time. After a refresh, the servers that carry the group's tag: membership changed outside Terraform shows here as drift.",
			},
			"server_count":      schema.Int64Attribute{Computed: true, Description: "Number of members."},
			"replicating_count": schema.Int64Attribute{Computed: true, Description: "Members whose data replication is healthy (CONTINUOUS)."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true, Read: true,
				CreateDescription: "How long create may take, e.g. `1h` (default `" + protectionGroupTimeout.String() + "`): listing the source servers and tagging each member, throttled calls retried.",
				UpdateDescription: "How long update may take (default `" + protectionGroupTimeout.String() + "`): tagging joining members, untagging leaving ones.",
				DeleteDescription: "How long destroy may take (default `" + protectionGroupTimeout.String() + "`): untagging every member.",
				ReadDescription:   "How long a refresh may take (default `" + protectionGroupReadTimeout.String() + "`): listing the source servers.",
			}),
		},
	}
}

func (r *protectionGroupResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(path.MatchRoot("source_server_ids"), path.MatchRoot("selection_tags"))}
}

func (r *protectionGroupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics); r.data != nil {
		r.clients = r.data.clients
	}
}

// selection reads the configured selection; ok is false when part of it is
// unknown (it depends on resources not created yet).
func (m protectionGroupModel) selection(ctx context.Context, diags *diag.Diagnostics) (sel protectiongroup.Selection, ok bool) {
	if m.SourceServerIDs.IsUnknown() || m.SelectionTags.IsUnknown() {
		return sel, false
	}
	// A tag value or an ID from a resource not created yet.
	for _, elems := range [][]attr.Value{slices.Collect(maps.Values(m.SelectionTags.Elements())), m.SourceServerIDs.Elements()} {
		for _, e := range elems {
			if e.IsUnknown() {
				return sel, false
			}
		}
	}
	if !m.SelectionTags.IsNull() {
		sel.Tags = map[string]string{}
		diags.Append(m.SelectionTags.ElementsAs(ctx, &sel.Tags, false)...)
		return sel, !diags.HasError()
	}
	diags.Append(m.SourceServerIDs.ElementsAs(ctx, &sel.IDs, false)...)
	return sel, !diags.HasError()
}

// ModifyPlan resolves the members at plan. A configuration that asks for
// new membership (a new group, a changed selection) must be satisfiable:
// unknown servers, servers owned by other groups and empty selections are
// errors. Membership that merely drifted in the world is healed as far as
// it can be, with warnings: no plan is blocked by what others did, least of
// all the normal plan that `terraform destroy` runs first (Terraform
// refreshes with a full plan before a destroy, and its errors abort the
// destroy; the provider cannot tell that plan from another).
func (r *protectionGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.clients == nil {
		return // destroy: nothing about the world may block it
	}
	var plan, state protectionGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() || plan.Name.IsUnknown() {
		return
	}
	name := plan.Name.ValueString()
	// The ID is the name, known now: a recovery plan referencing it is
	// planned with this group's planned members (see plannedWalk).
	plan.ID = plan.Name
	changed := creating || !plan.SelectionTags.Equal(state.SelectionTags) || !plan.SourceServerIDs.Equal(state.SourceServerIDs)
	sel, known := plan.selection(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !known {
		r.recordPlanned(protectiongroup.PlannedGroup{Name: name, Changed: changed}, sel, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	servers, err := r.clients.SourceServers().List(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read DRS source servers in "+r.clients.Region, err)
		return
	}
	if existing, serverID, taken := protectiongroup.NameTakenBy(name, servers); taken && (creating || existing != name) {
		detail := fmt.Sprintf("Source server %s already belongs to protection group %q in %s. Group names are unique in an account and region, ignoring case.", serverID, existing, r.clients.Region)
		if existing == name {
			detail += fmt.Sprintf(" To manage that group here, import it: terraform import <address> %q", name)
		} else {
			detail += " Choose another name."
		}
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Protection group name already in use", detail)
		return
	}
	res := protectiongroup.Resolve(name, sel, servers)
	reportResolution(name, res, sel, r.clients.Region, !changed, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ids := res.MemberIDs()
	r.recordPlanned(protectiongroup.PlannedGroup{Name: name, Members: ids, Known: true, Changed: changed}, sel, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ResolvedSourceServerIDs = stringSet(ids)
	plan.ServerCount = types.Int64Value(int64(len(ids)))
	plan.ReplicatingCount = types.Int64Value(int64(countReplicating(res.Members)))
	r.checkReplicatingQuota(ctx, servers, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// recordPlanned adds the group's planned membership to this walk's record,
// refusing two groups of one configuration that want one server or whose
// names differ only in case: both applies would otherwise succeed, one tag
// naming one owner and two states claiming the server.
func (r *protectionGroupResource) recordPlanned(g protectiongroup.PlannedGroup, sel protectiongroup.Selection, diags *diag.Diagnostics) {
	if r.data == nil {
		return
	}
	at := path.Root("source_server_ids")
	if sel.Tags != nil {
		at = path.Root("selection_tags")
	}
	for _, c := range r.data.planned.plannedGroups().Record(g) {
		if c.ServerID == "" {
			how := "differ only in case"
			if c.Other == g.Name {
				how = "are the same"
			}
			diags.AddAttributeError(path.Root("name"), "Protection group name used twice",
				fmt.Sprintf("Protection groups %q and %q of this configuration %s. A group is its membership tag %s=<name>, and names are unique ignoring case: rename one of them.",
					c.Other, g.Name, how, protectiongroup.TagKey))
			continue
		}
		diags.AddAttributeError(at, "Source server in two protection groups",
			fmt.Sprintf("Source server %s is claimed by protection groups %q and %q of this configuration. A server can be in one group only: leave it out of one of them.",
				c.ServerID, c.Other, g.Name))
	}
}

// reportResolution turns unknown IDs, servers owned by other groups, an
// empty selection and unhealthy replication into diagnostics. With drift
// (the configuration did not change) the first three are warnings: the
// plan leaves those servers out rather than fail.
func reportResolution(group string, res protectiongroup.Resolution, sel protectiongroup.Selection, region string, drift bool, diags *diag.Diagnostics) {
	add := diags.AddAttributeError
	note := ""
	if drift {
		add = diags.AddAttributeWarning
		note = " The group's configuration did not change, so this is drift in DRS: the plan leaves the server out instead of failing."
	}
	if len(res.UnknownIDs) > 0 {
		add(path.Root("source_server_ids"), "Unknown source servers",
			fmt.Sprintf("DRS in %s has no source server %s. Check the IDs (data.drsorch_source_servers lists them) and the provider's region.%s", region, strings.Join(res.UnknownIDs, ", "), note))
	}
	if len(res.Conflicts) > 0 {
		ids := make([]string, 0, len(res.Conflicts))
		for id := range res.Conflicts {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		attr := path.Root("source_server_ids")
		if sel.Tags != nil {
			attr = path.Root("selection_tags")
		}
		for _, id := range ids {
			add(attr, "Source server belongs to another protection group",
				fmt.Sprintf("Source server %s belongs to protection group %q (tag %s). A server can be in one group only: remove it from %q first, or leave it out of %q.%s",
					id, res.Conflicts[id], protectiongroup.TagKey, res.Conflicts[id], group, note))
		}
	}
	if sel.Tags != nil && len(res.Members) == 0 && len(res.Conflicts) == 0 {
		detail := fmt.Sprintf("No DRS source server in %s carries all of the tags %s. Check the tags, or tag the servers first.", region, formatTags(sel.Tags))
		if drift {
			detail += " The group's configuration did not change: the plan empties the group, and recovery plans using it fail their plan until it has members again."
		}
		add(path.Root("selection_tags"), "Selection matches no source server", detail)
	}
	var unhealthy []string
	for _, s := range res.Members {
		if state := drsapi.ReplicationState(s); state != drstypes.DataReplicationStateContinuous {
			unhealthy = append(unhealthy, fmt.Sprintf("%s (%s): %s", aws.ToString(s.SourceServerID), drsapi.Hostname(s), state))
		}
	}
	if len(unhealthy) > 0 {
		diags.AddWarning("Members not replicating healthily",
			"These members are not in CONTINUOUS data replication, so a recovery may launch from old data or fail:\n  "+strings.Join(unhealthy, "\n  "))
	}
}

func (r *protectionGroupResource) checkReplicatingQuota(ctx context.Context, servers []drstypes.SourceServer, diags *diag.Diagnostics) {
	limits, err := drsapi.QuotaLimits(ctx, r.clients.ServiceQuotas)
	if err != nil {
		return // the quota is advisory here; the quotas data source reports read errors
	}
	replicating := drsapi.MeasureUsage(servers, nil).ReplicatingServers
	for _, q := range limits {
		if q.Code == drsapi.QuotaReplicatingServers && replicating >= int(q.Limit) {
			diags.AddWarning("Replicating-server quota reached",
				fmt.Sprintf("%s has %d replicating source servers, at its limit of %d (quota %s): servers beyond it stop replicating, and their recovery would use stale data.",
					r.clients.Region, replicating, int(q.Limit), q.Code))
		}
	}
}

func countReplicating(servers []drstypes.SourceServer) int {
	n := 0
	for _, s := range servers {
		if drsapi.ReplicationState(s) == drstypes.DataReplicationStateContinuous {
			n++
		}
	}
	return n
}

func (r *protectionGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan protectionGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, protectionGroupTimeout, &resp.Diagnostics)
	defer cancel()
	r.apply(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *protectionGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan protectionGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, protectionGroupTimeout, &resp.Diagnostics)
	defer cancel()
	r.apply(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply makes the tags match the planned members (resolving them now when
// the plan could not), checking ownership again in case another group took
// a server since the plan.
func (r *protectionGroupResource) apply(ctx context.Context, plan *protectionGroupModel, diags *diag.Diagnostics) {
	name := plan.Name.ValueString()
	servers, err := r.clients.SourceServers().Fresh(ctx)
	if err != nil {
		addAPIError(diags, "read DRS source servers in "+r.clients.Region, err)
		return
	}
	var want protectiongroup.Resolution
	if plan.ResolvedSourceServerIDs.IsUnknown() {
		sel, _ := plan.selection(ctx, diags)
		want = protectiongroup.Resolve(name, sel, servers)
		reportResolution(name, want, sel, r.clients.Region, false, diags)
		if diags.HasError() {
			return
		}
	} else {
		var ids []string
		diags.Append(plan.ResolvedSourceServerIDs.ElementsAs(ctx, &ids, false)...)
		want = protectiongroup.Resolve(name, protectiongroup.Selection{IDs: ids}, servers)
		reportResolution(name, want, protectiongroup.Selection{IDs: ids}, r.clients.Region, false, diags)
		if diags.HasError() {
			return
		}
	}
	current := protectiongroup.CurrentMembers(name, servers)
	// Claim, not a plain tag write: another group may be taking the same
	// servers right now (another workspace, or a group of this
	// configuration whose members were unknown at plan).
	if err := protectiongroup.Claim(ctx, r.clients.DRS, name, current, want.Members); err != nil {
		var contested *protectiongroup.ContestedError
		if errors.As(err, &contested) {
			attr := path.Root("source_server_ids")
			if !plan.SelectionTags.IsNull() {
				attr = path.Root("selection_tags")
			}
			diags.AddAttributeError(attr, "Source server contested by another protection group", err.Error())
			return
		}
		addAPIError(diags, fmt.Sprintf("update the members of protection group %q", name), err)
		return
	}
	ids := want.MemberIDs()
	plan.ID = types.StringValue(name)
	plan.ResolvedSourceServerIDs = stringSet(ids)
	plan.ServerCount = types.Int64Value(int64(len(ids)))
	if plan.ReplicatingCount.IsUnknown() {
		plan.ReplicatingCount = types.Int64Value(int64(countReplicating(want.Members)))
	}
}

func (r *protectionGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state protectionGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, protectionGroupReadTimeout, &resp.Diagnostics)
	defer cancel()
	servers, err := r.clients.SourceServers().List(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read DRS source servers in "+r.clients.Region, err)
		return
	}
	members := protectiongroup.CurrentMembers(state.Name.ValueString(), servers)
	ids := make([]string, len(members))
	for i, s := range members {
		ids[i] = aws.ToString(s.SourceServerID)
	}
	// Membership changed outside Terraform shows as drift of the resolved
	// members, for explicit IDs and tag selections alike; the plan
	// resolves the configuration again and the apply heals it. The
	// configured selection stays as applied (ModifyPlan tells a changed
	// configuration from drift by it); only an import, which has none,
	// takes the members as its IDs.
	if state.SourceServerIDs.IsNull() && state.SelectionTags.IsNull() {
		state.SourceServerIDs = stringSet(ids)
	}
	state.ID = state.Name
	state.ResolvedSourceServerIDs = stringSet(ids)
	state.ServerCount = types.Int64Value(int64(len(ids)))
	state.ReplicatingCount = types.Int64Value(int64(countReplicating(members)))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *protectionGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state protectionGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, protectionGroupTimeout, &resp.Diagnostics)
	defer cancel()
	name := state.Name.ValueString()
	servers, err := r.clients.SourceServers().Fresh(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read DRS source servers in "+r.clients.Region, err)
		return
	}
	if err := protectiongroup.Apply(ctx, r.clients.DRS, name, protectiongroup.CurrentMembers(name, servers), nil); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("remove the members of protection group %q", name), err)
	}
}

// ImportState imports a group by name; it must have members.
func (r *protectionGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := req.ID
	if err := protectiongroup.ValidateName(name); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error()+". Import a protection group by its name.")
		return
	}
	servers, err := r.clients.SourceServers().List(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read DRS source servers in "+r.clients.Region, err)
		return
	}
	if len(protectiongroup.CurrentMembers(name, servers)) == 0 {
		groups := protectiongroup.Groups(servers)
		names := make([]string, 0, len(groups))
		for g := range groups {
			names = append(names, fmt.Sprintf("%q", g))
		}
		sort.Strings(names)
		resp.Diagnostics.AddError("Protection group not found",
			fmt.Sprintf("No source server in %s carries %s=%s. Groups that exist there: %s.", r.clients.Region, protectiongroup.TagKey, name, orNone(names)))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("selection_tags"), types.MapNull(types.StringType))...)
}

func orNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

func formatTags(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + tags[k]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func stringSet(values []string) types.Set {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}
