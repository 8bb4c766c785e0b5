package statemachine

import (
	"bytes"
	"encoding/json"
	"flag"

	"os"
	"path/filepath"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

var update = flag.Bool("update", false, "rewrite the conformance fixtures of compiled plans")

// The engine's conformance suite (internal/runservice/sfn, checked against
// aws-local-stepfunctions and asl-validator) runs representative compiled
// plans with scripted DRS answers. This test keeps those fixtures equal to
// what Compile produces today: run it with -update after changing the
// compiler. Failure paths are not compared there: the reference tool does
// not evaluate intrinsic functions in CausePath (AWS does), and a failing
// Parallel branch stops its siblings at timing-dependent points. They are
// covered by the engine's own tests and the acceptance tests.
func TestConformanceFixturesAreCurrent(t *testing.T) {
	dir := filepath.Join("..", "runservice", "sfn", "testdata", "conformance")
	for name, fixture := range map[string]conformanceCase{
		"plan_three_tier.json": threeTierFixture(t),
		"plan_adopt_jobs.json": adoptJobsFixture(t),
	} {
		want, err := json.MarshalIndent(fixture, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		path := filepath.Join(dir, name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not what the compiler produces now (%v): go test ./internal/statemachine -run ConformanceFixtures -update", path, err)
		}
	}
}

type conformanceCase struct {
	Comment    string                      `json:"comment"`
	Input      map[string]any              `json:"input"`
	Tasks      map[string][]map[string]any `json:"tasks"`
	Definition json.RawMessage             `json:"definition"`
}

func launchedJob(jobID string, servers []string, status string, launch ...string) map[string]any {
	var ps []any
	for i, s := range servers {
		ps = append(ps, map[string]any{"SourceServerID": s, "LaunchStatus": launch[i%len(launch)], "RecoveryInstanceID": "i-" + s})
	}
	return map[string]any{"output": map[string]any{"Items": []any{map[string]any{"JobID": jobID, "Status": status, "ParticipatingServers": ps}}}}
}

func instances(servers []string, state string) map[string]any {
	var items []any
	for _, s := range servers {
		items = append(items, map[string]any{"SourceServerID": s, "RecoveryInstanceID": "i-" + s, "Ec2InstanceID": "i-" + s, "Ec2InstanceState": state, "JobID": "drsjob"})
	}
	return map[string]any{"output": map[string]any{"Items": items}}
}

// scriptWave scripts one wave that launches on its second poll.
func scriptWave(tasks map[string][]map[string]any, wave string, servers []string) {
	job := "drsjob-" + wave
	tasks[wave+": start recovery"] = []map[string]any{{"output": map[string]any{"Job": map[string]any{"JobID": job, "Status": "PENDING"}}}}
	tasks[wave+": describe job"] = []map[string]any{
		launchedJob(job, servers, "STARTED", "IN_PROGRESS"),
		launchedJob(job, servers, "STARTED", "LAUNCHED"),
	}
	tasks[wave+": describe instances"] = []map[string]any{instances(servers, "RUNNING")}
}

func compileFixture(t *testing.T, p recoveryplan.Plan) json.RawMessage {
	c, err := Compile(p, testRegion)
	if err != nil {
		t.Fatal(err)
	}
	return json.RawMessage(c.Definition)
}

func threeTierFixture(t *testing.T) conformanceCase {
	db, app, web := []string{"s-db1", "s-db2"}, []string{"s-app1"}, []string{"s-web1", "s-web2"}
	// No pause gate here: a gate waits for SendTaskSuccess, which the
	// reference tool has no way to send; gates are covered end to end.
	tasks := map[string][]map[string]any{}
	scriptWave(tasks, "db", db)
	scriptWave(tasks, "app", app)
	scriptWave(tasks, "web", web)
	return conformanceCase{
		Comment: "Compiled plan: db → app → web, each wave launching on its second poll",
		Input:   map[string]any{"type": "DRILL", "invokedBy": "conformance"},
		Tasks:   tasks,
		Definition: compileFixture(t, recoveryplan.Plan{Name: "three-tier", Waves: []recoveryplan.Wave{
			{Name: "db", ProtectionGroup: "g-db", ServerIDs: db},
			{Name: "app", ProtectionGroup: "g-app", ServerIDs: app},
			{Name: "web", ProtectionGroup: "g-web", ServerIDs: web},
		}}),
	}
}

// adoptJobsFixture: a retry whose first wave adopts a job named in the
// input (a wave name with a dot, read through bracket notation) and starts
// no recovery; the second wave starts its own.
func adoptJobsFixture(t *testing.T) conformanceCase {
	db, app := []string{"s-db1", "s-db2"}, []string{"s-app1"}
	tasks := map[string][]map[string]any{}
	scriptWave(tasks, "app", app)
	tasks["db.primary: describe job"] = []map[string]any{
		launchedJob("drsjob-adopted", db, "STARTED", "IN_PROGRESS"),
		launchedJob("drsjob-adopted", db, "COMPLETED", "LAUNCHED"),
	}
	tasks["db.primary: describe instances"] = []map[string]any{instances(db, "RUNNING")}
	return conformanceCase{
		Comment: "Compiled plan: db.primary adopts drsjob-adopted from the input, then app starts recovery",
		Input:   map[string]any{"type": "DRILL", "invokedBy": "conformance", InputAdoptJobs: map[string]any{"db.primary": "drsjob-adopted"}},
		Tasks:   tasks,
		Definition: compileFixture(t, recoveryplan.Plan{Name: "adopting", Waves: []recoveryplan.Wave{
			{Name: "db.primary", ProtectionGroup: "g-db", ServerIDs: db},
			{Name: "app", ProtectionGroup: "g-app", ServerIDs: app},
		}}),
	}
}
