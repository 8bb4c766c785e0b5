package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	junit "github.com/joshdk/go-junit"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/report"
)

// The RTO targets of the plan version a run executed are the report's by
// default; --rto and --wave-rto replace them one by one.
func TestReportMeasuresAgainstThePlanRTO(t *testing.T) {
	q := deployQuickstart(t, func(p *recoveryplan.Plan) {
		p.RTO = 4 * time.Hour
		p.Waves[0].RTO = 50 * time.Minute // db
		p.Waves[1].RTO = 55 * time.Minute // app
	})
	arn := q.runDrill(t)

	type target struct {
		Total  struct{ Seconds int }
		Waves  map[string]struct{ Seconds int }
		Source string
	}
	read := func(dir string) (target, map[string]bool) {
		t.Helper()
		var r struct {
			RTO   target `json:"rto"`
			Waves []struct {
				Name   string
				MetRTO *bool `json:"metRto"`
			}
		}
		b, err := os.ReadFile(filepath.Join(dir, report.Files.JSON))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		met := map[string]bool{}
		for _, w := range r.Waves {
			if w.MetRTO != nil {
				met[w.Name] = *w.MetRTO
			}
		}
		return r.RTO, met
	}

	dir := t.TempDir()
	out, err := q.runReport(t, arn, "--out", dir, "--check")
	if err != nil {
		t.Fatalf("drsorch report with the plan's RTO: %v\n%s", err, out)
	}
	got, met := read(dir)
	if got.Source != "plan" || got.Total.Seconds != 4*3600 || got.Waves["db"].Seconds != 3000 || got.Waves["app"].Seconds != 3300 || len(got.Waves) != 2 {
		t.Errorf("rto from the plan = %+v", got)
	}
	if !met["db"] || !met["app"] || len(met) != 2 {
		t.Errorf("waves measured against their RTO: %v", met)
	}
	suites, err := junit.IngestFile(filepath.Join(dir, report.Files.JUnit))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tc := range suites[0].Tests {
		names[tc.Name] = true
	}
	for _, n := range []string{"recovery within the RTO of 4h 00m", "wave db within its RTO of 50m 00s", "wave app within its RTO of 55m 00s"} {
		if !names[n] {
			t.Errorf("junit lacks %q", n)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, report.Files.HTML))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `<dd id="rto-source">the plan</dd>`) {
		t.Error("report.html does not say the targets came from the plan")
	}

	// A wave target on the command line replaces the plan's for that wave
	// only; the plan's others stay.
	dir = t.TempDir()
	out, err = q.runReport(t, arn, "--out", dir, "--wave-rto", "app=1s", "--check")
	if cli.ExitCode(err) != cli.ExitRunFailed || !strings.Contains(out, "wave app took") {
		t.Fatalf("report with app's RTO overridden to 1s: %v (exit %d)\n%s", err, cli.ExitCode(err), out)
	}
	got, met = read(dir)
	if got.Source != "plan+override" || got.Total.Seconds != 4*3600 || got.Waves["db"].Seconds != 3000 || got.Waves["app"].Seconds != 1 {
		t.Errorf("rto with an override = %+v", got)
	}
	if !met["db"] || met["app"] {
		t.Errorf("met = %v, want db met and app missed", met)
	}
	// --rto replaces the plan's total.
	dir = t.TempDir()
	if out, err = q.runReport(t, arn, "--out", dir, "--rto", "2s"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got, _ = read(dir); got.Total.Seconds != 2 || got.Waves["db"].Seconds != 3000 {
		t.Errorf("rto with --rto 2s = %+v", got)
	}
}
