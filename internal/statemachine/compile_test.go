package statemachine

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

func threeTier() recoveryplan.Plan {
	return recoveryplan.Plan{Name: "shop", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: []string{"s-db1", "s-db2"}},
		{Name: "cache", ProtectionGroup: "shop-cache", DependsOnSet: true, ServerIDs: []string{"s-c1"}},
		{Name: "app", ProtectionGroup: "shop-app", DependsOn: []string{"db", "cache"}, DependsOnSet: true, ServerIDs: []string{"s-a1"}},
		{Name: "web", ProtectionGroup: "shop-web", PauseBefore: true, PollInterval: time.Minute, ServerIDs: []string{"s-w1", "s-w2"}},
	}}
}

func TestCompileShape(t *testing.T) {
	c, err := Compile(threeTier(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]string{{"db", "cache"}, {"app"}, {"web"}}; !reflect.DeepEqual(c.Levels, want) {
		t.Fatalf("levels = %v", c.Levels)
	}
	if strings.Contains(c.Definition, "\n") {
		t.Fatal("the definition is pretty-printed: emit it minified")
	}
	def := planStates(t, c.Definition)
	if def.StartAt != StepPlanSpec {
		t.Fatalf("StartAt = %q", def.StartAt)
	}
	// The schedule's levels: db and cache in parallel, then app, then web
	// (gate first), each wave one Task starting the runner's version; the
	// sequence runs in one Parallel, whose Catch stands for every wave's.
	if top := def.Top[StepWaves]; top["Type"] != "Parallel" || len(top["Branches"].([]any)) != 1 || top["Next"] != StepPlanRecovered || top["Catch"] == nil ||
		def.Top[StepWaveControls]["Default"] != StepWaves || def.Top[StepMergeControls]["Next"] != StepWaves {
		t.Fatalf("top level = %v", def.Top)
	}
	par := def.States["Parallel 1"]
	if par["Type"] != "Parallel" || len(par["Branches"].([]any)) != 2 || par["Next"] != WaveState("app", StepRun) || par["ResultPath"] != nil || par["Catch"] != nil {
		t.Fatalf("Parallel 1 = %v", par)
	}
	if def.States[WaveState("app", StepRun)]["Next"] != WaveState("web", StepSkip) || def.States[WaveState("app", StepRun)]["Catch"] != nil ||
		def.States[WaveState("web", StepSkip)]["Default"] != WaveState("web", StepPause) {
		t.Fatalf("waves out of order: %v", def.States)
	}
	if def.States[WaveState("web", StepRun)]["End"] != true {
		t.Fatalf("last wave does not end the run: %v", def.States[WaveState("web", StepRun)])
	}
	pause := def.States[WaveState("web", StepPause)]
	if pause["Resource"] != Resource("aws", IntegrationPauseGate) || pause["TimeoutSeconds"].(float64) != float64(recoveryplan.MaxPauseSeconds) {
		t.Fatalf("pause gate = %v", pause)
	}
	run := def.States[WaveState("web", StepRun)]
	params := run["Parameters"].(map[string]any)
	if run["Resource"] != "arn:aws:states:::states:startExecution.sync:2" || params["StateMachineArn.$"] != "$.c.runner" ||
		params["Input"].(map[string]any)["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$"] != "$$.Execution.Id" || run["ResultPath"] != nil {
		t.Fatalf("web's run = %v", run)
	}
	ctl := def.Top[StepControls]["Parameters"].(map[string]any)
	if ctl["runner"] != PlaceholderRunnerARN(testRegion) {
		t.Fatalf("controls = %v: the runner version is pinned at compile time", ctl)
	}
	// The runner: StartRecovery never retried on an unknown outcome.
	runner, err := CompileRunner(testRegion)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(runner), &def); err != nil {
		t.Fatal(err)
	}
	for _, r := range def.States[StepStartRecovery]["Retry"].([]any) {
		for _, e := range r.(map[string]any)["ErrorEquals"].([]any) {
			if e != "Drs.ThrottlingException" {
				t.Fatalf("StartRecovery retried on %v: only a throttled (refused) request may be retried", e)
			}
		}
	}
	tags := def.States[StepStartRecovery]["Parameters"].(map[string]any)["Tags"].(map[string]any)
	if tags[TagExecution+".$"] != "$.run.execution" || tags[TagRunnerExecution+".$"] != "$$.Execution.Id" {
		t.Fatalf("StartRecovery tags = %v: the job names the plan's execution", tags)
	}
	if c.EstimatedTransitions < 40 {
		t.Fatalf("estimate %d is too low for four waves", c.EstimatedTransitions)
	}
}

func TestCompileRefusesInvalidPlans(t *testing.T) {
	p := threeTier()
	p.Waves[3].DependsOn, p.Waves[3].DependsOnSet = []string{"nope"}, true
	if _, err := Compile(p, testRegion, PlaceholderRunnerARN(testRegion)); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestPollSchedule(t *testing.T) {
	for _, tt := range []struct {
		interval time.Duration
		want     []int
	}{
		{30 * time.Second, []int{5, 10, 20, 30}},
		{5 * time.Second, []int{5}},
		{12 * time.Second, []int{5, 10, 12}},
		{5 * time.Minute, []int{5, 10, 20, 300}},
	} {
		if got := PollSchedule(tt.interval); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("PollSchedule(%s) = %v, want %v", tt.interval, got, tt.want)
		}
	}
}

func TestDescribeRoundTrip(t *testing.T) {
	c, err := Compile(threeTier(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Describe(c.Definition)
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "shop" || len(v.Levels) != 3 {
		t.Fatalf("view = %+v", v)
	}
	web, ok := v.Wave("web")
	if !ok || !web.PauseBefore || web.Level != 3 || web.ProtectionGroup != "shop-web" || !reflect.DeepEqual(web.SourceServerIDs, []string{"s-w1", "s-w2"}) {
		t.Fatalf("web = %+v", web)
	}
	if _, err := Describe(`{"StartAt":"x","States":{"x":{"Type":"Succeed"}}}`); err == nil {
		t.Fatal("foreign definition accepted")
	}
}

func TestDescribeRecoversConfiguration(t *testing.T) {
	p := threeTier()
	p.Waves[2].Timeout = 90 * time.Minute
	c, err := Compile(p, testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Describe(c.Definition)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range v.DeclaredWaves() {
		got = append(got, w.Name)
	}
	if !reflect.DeepEqual(got, []string{"db", "cache", "app", "web"}) {
		t.Fatalf("declared order = %v", got)
	}
	cache, _ := v.Wave("cache")
	app, _ := v.Wave("app")
	web, _ := v.Wave("web")
	db, _ := v.Wave("db")
	if !cache.DependsOnSet || len(cache.DependsOn) != 0 {
		t.Errorf("cache depends_on = %v set=%v, want explicit []", cache.DependsOn, cache.DependsOnSet)
	}
	if !reflect.DeepEqual(app.DependsOn, []string{"db", "cache"}) || app.Timeout != 90*time.Minute {
		t.Errorf("app = %+v", app)
	}
	if web.DependsOnSet || web.PollInterval != time.Minute || db.Timeout != recoveryplan.DefaultWaveTimeout || db.PollInterval != recoveryplan.DefaultPollInterval {
		t.Errorf("web = %+v db = %+v", web, db)
	}
}

func TestDescribeRebuildsThePlan(t *testing.T) {
	c, err := Compile(threeTier(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Describe(c.Definition)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Compile(v.Plan(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	if again.Definition != c.Definition || again.EstimatedTransitions != c.EstimatedTransitions {
		t.Fatal("recompiling the described plan changed the definition")
	}
}

// testRegion is where the tests' plans run.
const testRegion = "us-east-1"

type compiledStates struct {
	StartAt string
	// Top holds the top-level states, States every state, nested or not.
	Top, States map[string]map[string]any
}

// planStates reads a plan's definition, its Parallels' branches flattened.
func planStates(t *testing.T, definition string) compiledStates {
	t.Helper()
	var def struct {
		StartAt string
		States  map[string]map[string]any
	}
	if err := json.Unmarshal([]byte(definition), &def); err != nil {
		t.Fatal(err)
	}
	out := compiledStates{StartAt: def.StartAt, Top: def.States, States: map[string]map[string]any{}}
	var walk func(states map[string]map[string]any)
	walk = func(states map[string]map[string]any) {
		for name, st := range states {
			out.States[name] = st
			branches, _ := st["Branches"].([]any)
			for _, b := range branches {
				nested := map[string]map[string]any{}
				for n, v := range b.(map[string]any)["States"].(map[string]any) {
					nested[n] = v.(map[string]any)
				}
				walk(nested)
			}
		}
	}
	walk(def.States)
	return out
}
