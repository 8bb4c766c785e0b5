package ui_test

import (
	"net/http"
	"testing"
)

// BenchmarkExecutionPageLive measures one refresh of a paused drill's live
// region: DescribeExecution, history, jobs, recovery instances, job logs
// and quotas, all through the in-process wire APIs, plus rendering.
func BenchmarkExecutionPageLive(b *testing.B) {
	f := deploy(b)
	benchmarkGet(b, f, execPath(f.startDrill(b, true))+"/live")
}

// BenchmarkListLive measures one refresh of the executions list with ten
// finished runs and one paused drill.
func BenchmarkListLive(b *testing.B) {
	f := deploy(b)
	for range 10 {
		cancelRun(b, f, f.startDrill(b, true))
	}
	f.startDrill(b, true)
	benchmarkGet(b, f, "/ui/live")
}

func benchmarkGet(b *testing.B, f *fixture, path string) {
	b.ReportAllocs()
	for b.Loop() {
		res, err := http.Get(f.svc.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, res.StatusCode)
		}
	}
}

// BenchmarkPlanPage measures the shop's plan page with its cost estimate:
// the plan read back, its members, last runs, and for the estimate each
// server's launch settings and launch template (the Price List's answers
// are cached after the first page).
func BenchmarkPlanPage(b *testing.B) {
	f := deploy(b)
	benchmarkGet(b, f, "/ui/plans/shop")
}
