package console_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/console"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// The plan page shows the plan's and the waves' RTO targets and each ended
// run against them; the execution page shows the run's recovery time
// against its target, and each wave's.
func TestPlanAndExecutionPagesShowTheRTO(t *testing.T) {
	f := deployPlan(t, console.Config{}, func(p *recoveryplan.Plan) {
		p.RTO = 4 * time.Hour
		p.Waves[0].RTO = 50 * time.Minute // db: met
		p.Waves[1].RTO = time.Minute      // app: missed (launches take minutes)
	})
	arn := f.startDrill(t, "drill-rto", true)
	running := f.get(t, execPath(arn))
	running.mustContain(t, `<dt>Recovery time / RTO</dt>`, `id="wave-db-rto">50m 00s · <span class="rto-met">met</span>`,
		`id="wave-app-rto">1m 00s · <span class="rto-missed">missed</span>`)
	if regexp.MustCompile(`id="rto">[^<]*· `).MatchString(running.body) {
		t.Error("a running execution already has a verdict on the whole run's RTO")
	}
	if err := executions.Resume(context.Background(), f.clients, f.describe(t, arn), "web", "ops@example.com", f.svc.App.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 400, func() bool { return !f.describe(t, arn).Running() })

	ended := f.get(t, execPath(arn))
	if ended.status != http.StatusOK {
		t.Fatalf("execution page: %d\n%s", ended.status, ended.body)
	}
	if !regexp.MustCompile(`id="rto">\d+m \d\ds of 4h 00m · <span class="rto-met">met</span>`).MatchString(ended.body) {
		t.Errorf("execution page does not show the recovery time against the 4h RTO")
	}
	ended.mustContain(t, `class="tl-rto"`) // the timeline draws the target
	if strings.Contains(ended.body, `id="retry-failed"`) {
		t.Error("a drill that succeeded offers a retry")
	}

	p := f.get(t, "/ui/plans/shop")
	p.mustContain(t, `id="plan-rto">RTO <strong>4h 00m</strong>`, `id="plan-wave-db-rto">50m 00s`, `id="plan-wave-app-rto">1m 00s`,
		`id="rto-drill-rto"`, "Runs against the RTO")
	row := regexp.MustCompile(`(?s)<tr id="rto-drill-rto">.*?</tr>`).FindString(p.body)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`<td class="num">4h 00m</td>`),
		regexp.MustCompile(`<span class="rto-missed">missed</span>`), // app missed its target
		regexp.MustCompile(`app took \d+m \d\ds of 1m 00s`),
	} {
		if !want.MatchString(row) {
			t.Errorf("the plan page's RTO row lacks %s:\n%s", want, row)
		}
	}
	if regexp.MustCompile(`db took`).MatchString(row) {
		t.Errorf("db met its target but is listed as over it:\n%s", row)
	}
}
