package statemachine

import (
	"bytes"
	"encoding/json"
	"flag"

	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the conformance fixtures of compiled plans")

// The engine's conformance suite (internal/runservice/sfn, checked against
// aws-local-stepfunctions and asl-validator) runs representative compiled
// plans with scripted DRS answers. This test keeps those fixtures equal to
// what Compile produces today: run it with -update after changing the
// compiler. Failure paths are not compared there: the reference tool does
// not evaluate intrinsic functions in CausePath (AWS does), and a failing
// Parallel branch stops its siblings at timing-dependent points. They are
// covered by the engine's own tests and the acceptance tests. The plan's
// own state machine is not among them: its Tasks start the wave runner
// (states:startExecution.sync:2), which the engine runs as a real child
// execution rather than through the suite's scripted task answers; plans
// run end to end in internal/executions and the acceptance tests.
func TestConformanceFixturesAreCurrent(t *testing.T) {
	dir := filepath.Join("..", "runservice", "sfn", "testdata", "conformance")
	for name, fixture := range map[string]conformanceCase{
		"runner_start.json":      runnerStartFixture(t),
		"runner_adopt.json":      runnerAdoptFixture(t),
		"runner_guard_wait.json": runnerGuardWaitFixture(t),
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

// scriptWave scripts one runner that launches on its second poll.
func scriptWave(tasks map[string][]map[string]any, job string, servers []string, adopted bool) {
	if !adopted {
		tasks[StepStartRecovery] = []map[string]any{{"output": map[string]any{"Job": map[string]any{"JobID": job, "Status": "PENDING"}}}}
		scriptGuard(tasks, 20)
	}
	tasks[StepDescribeJob] = []map[string]any{
		launchedJob(job, servers, "STARTED", "IN_PROGRESS"),
		launchedJob(job, servers, "STARTED", "LAUNCHED"),
	}
	tasks[StepDescribeInstance] = []map[string]any{instances(servers, "RUNNING")}
}

func runnerFixture(t *testing.T) json.RawMessage {
	def, err := CompileRunner(testRegion)
	if err != nil {
		t.Fatal(err)
	}
	return json.RawMessage(def)
}

// runnerInput is what a plan's Task passes the runner (Compile's wave):
// the wave, its servers and its control, the defaults left out.
func runnerInput(wave string, servers []string, adopt string) map[string]any {
	return map[string]any{
		"run":  map[string]any{"plan": "three-tier", "isDrill": true, "execution": "arn:aws:states:us-east-1:000000000000:execution:drsorch-plan-three-tier:x"},
		"wave": wave, "level": 1, "servers": servers, "c": WaveControl{AdoptJobID: adopt},
	}
}

// runnerStartFixture: the wave runner starts recovery of one wave, which
// launches on its second poll.
func runnerStartFixture(t *testing.T) conformanceCase {
	db := []string{"s-db1", "s-db2"}
	tasks := map[string][]map[string]any{}
	scriptWave(tasks, "drsjob-db", db, false)
	return conformanceCase{
		Comment:    "Wave runner: db starts recovery and launches on its second poll",
		Input:      runnerInput("db", db, ""),
		Tasks:      tasks,
		Definition: runnerFixture(t),
	}
}

// runnerAdoptFixture: the wave runner follows the job named in its input
// and starts no recovery.
func runnerAdoptFixture(t *testing.T) conformanceCase {
	db := []string{"s-db1", "s-db2"}
	tasks := map[string][]map[string]any{}
	scriptWave(tasks, "drsjob-adopted", db, true)
	return conformanceCase{
		Comment:    "Wave runner: db.primary adopts drsjob-adopted and starts no recovery",
		Input:      runnerInput("db.primary", db, "drsjob-adopted"),
		Tasks:      tasks,
		Definition: runnerFixture(t),
	}
}

func quotaValue(v int) map[string]any {
	return map[string]any{"output": map[string]any{"Quota": map[string]any{"ServiceCode": "drs", "Value": v}}}
}

func jobItem(id, status string, servers ...string) map[string]any {
	var ps []any
	for _, s := range servers {
		ps = append(ps, map[string]any{"SourceServerID": s, "LaunchStatus": "PENDING"})
	}
	return map[string]any{"JobID": id, "Status": status, "ParticipatingServers": ps}
}

// scriptGuard scripts the start guard's reads: the quotas, then two pages
// of jobs, of which only completed ones and jobs of other servers.
func scriptGuard(tasks map[string][]map[string]any, concurrentJobs int) {
	tasks[StepQuotaJobs] = []map[string]any{quotaValue(concurrentJobs)}
	tasks[StepQuotaActive] = []map[string]any{quotaValue(500)}
	tasks[StepQuotaPerJob] = []map[string]any{quotaValue(100)}
	tasks[StepListJobs] = []map[string]any{{"output": map[string]any{"Items": []any{
		jobItem("drsjob-other", "STARTED", "s-app9"), jobItem("drsjob-old", "COMPLETED", "s-db1"),
	}, "NextToken": "page-2"}}}
	tasks[StepListMoreJobs] = []map[string]any{{"output": map[string]any{"Items": []any{
		jobItem("drsjob-older", "COMPLETED", "s-db2", "s-app9"),
	}}}}
}

// runnerGuardWaitFixture: the concurrent-jobs quota (1) is full at the
// first check, so the guard waits; at the second check the other job has
// completed and the wave starts recovery.
func runnerGuardWaitFixture(t *testing.T) conformanceCase {
	db := []string{"s-db1", "s-db2"}
	tasks := map[string][]map[string]any{}
	scriptWave(tasks, "drsjob-db", db, false)
	scriptGuard(tasks, 1)
	tasks[StepListJobs] = append(tasks[StepListJobs], map[string]any{"output": map[string]any{"Items": []any{
		jobItem("drsjob-other", "COMPLETED", "s-app9"),
	}}})
	return conformanceCase{
		Comment:    "Wave runner: the concurrent-jobs quota is full, the guard waits, then db starts recovery",
		Input:      runnerInput("db", db, ""),
		Tasks:      tasks,
		Definition: runnerFixture(t),
	}
}
