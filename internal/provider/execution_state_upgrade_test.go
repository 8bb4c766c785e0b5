package provider

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// oldExecutionState is the state of a paused drill (db and app recovered,
// web waiting at its gate) as drsorch_execution wrote it before the one
// wave shape: its waves lacked pause_before, error, cause and the
// approval, its servers launch_error.
const oldExecutionState = "testdata/execution_state_v0_before_one_wave_shape.json"

// attributes added to the waves and servers since that state: by the one
// wave shape, and the servers' launch action runs.
var (
	addedWaveAttributes   = []string{"pause_before", "error", "cause", "approved_by", "approved_at", "approval_reason"}
	addedServerAttributes = []string{"launch_error", "launch_actions"}
)

func executionResourceSchema(t *testing.T) resource.SchemaResponse {
	t.Helper()
	ctx := context.Background()
	// As the provider serves it: with the region attribute of its wrapper.
	for _, newResource := range New("test")().Resources(ctx) {
		r := newResource()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "drsorch"}, &md)
		if md.TypeName != "drsorch_execution" {
			continue
		}
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatal(resp.Diagnostics)
		}
		return resp
	}
	t.Fatal("the provider serves no drsorch_execution")
	return resource.SchemaResponse{}
}

// State written before the one wave shape reads at schema version 0
// without an upgrader, through the provider's UpgradeResourceState as
// Terraform calls it: what it held is kept, what it lacked is null, and a
// plan from it leaves the paused wave's gate to apply.
func TestExecutionStateBeforeOneWaveShape(t *testing.T) {
	ctx := context.Background()
	raw, err := os.ReadFile(oldExecutionState)
	if err != nil {
		t.Fatal(err)
	}
	s := executionResourceSchema(t).Schema
	if s.Version != 0 {
		t.Fatalf("drsorch_execution schema version %d: this test covers version 0 state read by the passthrough; test the upgrader instead", s.Version)
	}
	// Nothing the old state holds was removed or retyped: such a change
	// needs a schema version and an UpgradeState.
	if _, err := (&tfprotov6.RawState{JSON: raw}).Unmarshal(s.Type().TerraformType(ctx)); err != nil {
		t.Fatalf("state written by the previous schema does not decode strictly: %v; bump the schema version and add an UpgradeState", err)
	}

	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "drsorch_execution", Version: 0, RawState: &tfprotov6.RawState{JSON: raw}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("UpgradeResourceState: %s: %s", d.Summary, d.Detail)
	}
	if t.Failed() {
		return
	}
	val, err := resp.UpgradedState.Unmarshal(s.Type().TerraformType(ctx))
	if err != nil {
		t.Fatal(err)
	}
	var m executionModel
	if d := (tfsdk.State{Schema: s, Raw: val}).Get(ctx, &m); d.HasError() {
		t.Fatal(d)
	}
	if m.Status.ValueString() != "RUNNING" || m.PausedBefore.ValueString() != "web" {
		t.Fatalf("status %s, paused_before %s: want the paused run the state holds", m.Status, m.PausedBefore)
	}
	var waves []executionWaveValue
	if d := m.Waves.ElementsAs(ctx, &waves, false); d.HasError() {
		t.Fatal(d)
	}
	if len(waves) != 3 || waves[0].Status.ValueString() != "RECOVERED" || waves[2].Name.ValueString() != "web" ||
		waves[2].Status.ValueString() != "PAUSED" || len(waves[0].Servers) != 2 || !waves[0].Servers[0].LaunchStatus.Equal(types.StringValue("LAUNCHED")) {
		t.Fatalf("waves not kept as the state held them: %+v", waves)
	}
	for _, w := range waves {
		for _, v := range []types.String{w.Error, w.Cause, w.ApprovedBy, w.ApprovedAt, w.ApprovalReason} {
			if !v.IsNull() {
				t.Errorf("wave %s: an attribute the old state lacks is %s, want null", w.Name, v)
			}
		}
		if !w.PauseBefore.IsNull() {
			t.Errorf("wave %s: pause_before %s, want null", w.Name, w.PauseBefore)
		}
		for _, sv := range w.Servers {
			if !sv.LaunchError.IsNull() {
				t.Errorf("wave %s server %s: launch_error %s, want null", w.Name, sv.SourceServerID, sv.LaunchError)
			}
		}
	}

	// Approving web from that state (terraform apply -refresh=false): the
	// ended waves stay as they are; web's progress is left to the apply.
	plan := m
	keepProgress(&plan, m)
	var pd diag.Diagnostics
	planProgress(ctx, &plan, &pd)
	if pd.HasError() {
		t.Fatal(pd)
	}
	var planned []executionWaveValue
	if d := plan.Waves.ElementsAs(ctx, &planned, false); d.HasError() {
		t.Fatal(d)
	}
	if !reflect.DeepEqual(planned[0], waves[0]) || !reflect.DeepEqual(planned[1], waves[1]) {
		t.Errorf("recovered waves re-planned: %+v", planned[:2])
	}
	// Its gate is not in that state: the apply reads it.
	if w := planned[2]; !w.Status.IsUnknown() || !w.ApprovedBy.IsUnknown() || !w.Servers[0].LaunchError.IsUnknown() || !w.PauseBefore.IsUnknown() ||
		!w.Name.Equal(types.StringValue("web")) || !w.Servers[0].SourceServerID.Equal(waves[2].Servers[0].SourceServerID) {
		t.Errorf("wave web planned %+v: want its progress, gate and approval unknown, its name and servers as in state", w)
	}
}

// stripToOldShape removes from a drsorch_execution's attributes what the
// one wave shape added, leaving the keys the previous schema wrote.
func stripToOldShape(attrs map[string]any) {
	waves, _ := attrs["waves"].([]any)
	for _, w := range waves {
		wave := w.(map[string]any)
		for _, k := range addedWaveAttributes {
			delete(wave, k)
		}
		servers, _ := wave["servers"].([]any)
		for _, s := range servers {
			for _, k := range addedServerAttributes {
				delete(s.(map[string]any), k)
			}
		}
	}
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The same through Terraform: a paused drill whose state is put back in
// the previous shape plans nothing, is approved by an apply that does not
// refresh, and a refresh fills in the new attributes.
func TestAccExecutionStateBeforeOneWaveShape(t *testing.T) {
	env := startRunning(t)
	t.Setenv("DRSORCH_RUN_SERVICE_ENDPOINT", env.Service.URL)
	t.Setenv("AWS_REGION", env.Region)
	config := func(approved string) string {
		return `
terraform {
  required_providers {
    drsorch = { source = "drsorch/drsorch" }
  }
}
provider "drsorch" {
  ` + testRole + `
}
` + threeTierPlan("") + `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = [` + approved + `]
}
`
	}
	tf := newTerraformCLI(t, map[string]string{"main.tf": config("")})
	tf.must("apply", "-auto-approve", "-input=false", "-no-color")

	// Rewrite the run's state in the previous shape, as the fixture holds it.
	var fixture map[string]any
	if raw, err := os.ReadFile(oldExecutionState); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(raw, &fixture); err != nil {
		t.Fatal(err)
	}
	fixtureWave := fixture["waves"].([]any)[0].(map[string]any)
	fixtureServer := fixtureWave["servers"].([]any)[0].(map[string]any)
	stateFile := filepath.Join(tf.dir, "terraform.tfstate")
	raw, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range state["resources"].([]any) {
		res := r.(map[string]any)
		if res["type"] != "drsorch_execution" {
			continue
		}
		found = true
		inst := res["instances"].([]any)[0].(map[string]any)
		attrs := inst["attributes"].(map[string]any)
		stripToOldShape(attrs)
		wave := attrs["waves"].([]any)[0].(map[string]any)
		server := wave["servers"].([]any)[0].(map[string]any)
		if got, want := sortedMapKeys(wave), sortedMapKeys(fixtureWave); !reflect.DeepEqual(got, want) {
			t.Fatalf("stripped wave has %v, the previous schema wrote %v", got, want)
		}
		if got, want := sortedMapKeys(server), sortedMapKeys(fixtureServer); !reflect.DeepEqual(got, want) {
			t.Fatalf("stripped server has %v, the previous schema wrote %v", got, want)
		}
		if inst["schema_version"] != float64(0) {
			t.Fatalf("schema_version %v in state, want 0", inst["schema_version"])
		}
	}
	if !found {
		t.Fatalf("no drsorch_execution in state:\n%s", raw)
	}
	if raw, err = json.MarshalIndent(state, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stateFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}

	if !tf.planIsEmpty("-refresh=false") {
		t.Fatal("the paused, unapproved run in the previous state shape plans a change")
	}
	tf.write("main.tf", config(`"web"`))
	tf.must("apply", "-auto-approve", "-input=false", "-no-color", "-refresh=false")
	tf.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")

	values := tf.stateValues("drsorch_execution.drill")
	if values == nil {
		t.Fatal("no drsorch_execution.drill in terraform show")
	}
	if values["status"] != "SUCCEEDED" {
		t.Fatalf("status %v after approving web, want SUCCEEDED", values["status"])
	}
	waves := values["waves"].([]any)
	db, web := waves[0].(map[string]any), waves[2].(map[string]any)
	if db["pause_before"] != false || web["pause_before"] != true || web["approval_reason"] != approvedWavesReason || web["approved_by"] == nil {
		t.Fatalf("refresh did not fill the new attributes: db %v, web %v", db, web)
	}
	if s := web["servers"].([]any)[0].(map[string]any); s["launch_status"] != "LAUNCHED" || s["launch_error"] != nil {
		t.Fatalf("web server %v", s)
	}
	if !tf.planIsEmpty() {
		t.Fatal("plan after the refresh is not empty")
	}
}
