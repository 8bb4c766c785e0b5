package ui_test

import (
	"net/http"
	"testing"
)

// The run service's own /ui/ serves the pages the console added too, in
// process, with simulated time.
func TestRunServiceServesPlansAndServers(t *testing.T) {
	f := deploy(t)
	arn := f.startDrill(t, true)
	for path, wants := range map[string][]string{
		"/ui/plans":                  {`id="plan-shop"`, "drill-1"},
		"/ui/plans/shop":             {`<svg class="dag"`, `id="plan-wave-web"`, "does not log to CloudWatch Logs", "drill-1"},
		"/ui/plans/shop/start":       {"busy elsewhere"}, // drill-1 holds the servers
		"/ui/servers?q=shop-db":      {`class="hostname">shop-db-1<`},
		"/ui/?type=DRILL&plan=shop":  {"drill-1"},
		execPath(arn):                {`<svg class="timeline"`, `class="hostname">shop-db-1<`, "Simulated time"},
		execPath(arn) + "/terminate": {`id="confirm-terminate"`},
	} {
		p := f.get(t, path)
		if p.status != http.StatusOK {
			t.Errorf("GET %s: %d", path, p.status)
			continue
		}
		p.mustContain(t, wants...)
	}
}
