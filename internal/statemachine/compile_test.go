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
	c, err := Compile(threeTier(), testRegion)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]string{{"db", "cache"}, {"app"}, {"web"}}; !reflect.DeepEqual(c.Levels, want) {
		t.Fatalf("levels = %v", c.Levels)
	}
	var def struct {
		StartAt string
		States  map[string]map[string]any
	}
	if err := json.Unmarshal([]byte(c.Definition), &def); err != nil {
		t.Fatal(err)
	}
	if def.StartAt != "Check input" {
		t.Fatalf("StartAt = %q", def.StartAt)
	}
	level1 := def.States["Level 1"]
	if level1["Type"] != "Parallel" || len(level1["Branches"].([]any)) != 2 || level1["Next"] != "Level 2" {
		t.Fatalf("Level 1 = %v", level1)
	}
	if def.States["Level 3"]["Next"] != "Recovered" {
		t.Fatalf("last level does not end the run: %v", def.States["Level 3"])
	}
	web := def.States["Level 3"]["Branches"].([]any)[0].(map[string]any)
	if web["StartAt"] != "web: pause" {
		t.Fatalf("web does not start with its pause gate: %v", web["StartAt"])
	}
	pause := web["States"].(map[string]any)["web: pause"].(map[string]any)
	if pause["Resource"] != Resource("aws", IntegrationPauseGate) || pause["TimeoutSeconds"].(float64) != float64(recoveryplan.MaxPauseSeconds) {
		t.Fatalf("pause gate = %v", pause)
	}
	start := web["States"].(map[string]any)["web: start recovery"].(map[string]any)
	for _, r := range start["Retry"].([]any) {
		for _, e := range r.(map[string]any)["ErrorEquals"].([]any) {
			if e != "Drs.ThrottlingException" {
				t.Fatalf("StartRecovery retried on %v: only a throttled (refused) request may be retried", e)
			}
		}
	}
	if c.EstimatedTransitions < 40 {
		t.Fatalf("estimate %d is too low for four waves", c.EstimatedTransitions)
	}
}

func TestCompileRefusesInvalidPlans(t *testing.T) {
	p := threeTier()
	p.Waves[3].DependsOn, p.Waves[3].DependsOnSet = []string{"nope"}, true
	if _, err := Compile(p, testRegion); err == nil || !strings.Contains(err.Error(), `"nope"`) {
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
	c, err := Compile(threeTier(), testRegion)
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
	c, err := Compile(p, testRegion)
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
	c, err := Compile(threeTier(), testRegion)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Describe(c.Definition)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Compile(v.Plan(), testRegion)
	if err != nil {
		t.Fatal(err)
	}
	if again.Definition != c.Definition || again.EstimatedTransitions != c.EstimatedTransitions {
		t.Fatal("recompiling the described plan changed the definition")
	}
}

// testRegion is where the tests' plans run.
const testRegion = "us-east-1"
