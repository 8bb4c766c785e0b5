package cli_test

import (
	"testing"
)

// BenchmarkStatus measures one `drsorch status` of a paused 9-server drill
// by name and by ARN — what every --watch refresh costs — in time and in
// API calls (calls/op), against the in-process run service.
func BenchmarkStatus(b *testing.B) {
	h := newHarness(b)
	h.deployShop(b, "shop", true)
	h.drive("DescribeExecution")
	h.mustRun(b, 0, "", "start", "shop", "--drill", "--wait", "paused", "--name", "drill-1")
	h.drive("")
	arn := "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:drill-1"
	for _, c := range []struct{ name, ref string }{{"ByARN", arn}, {"ByName", "drill-1"}} {
		for _, format := range []string{"human", "json"} {
			b.Run(c.name+"/"+format, func(b *testing.B) {
				args := []string{"status", c.ref}
				if format == "json" {
					args = append(args, "--json")
				}
				h.calls.Store(0)
				for b.Loop() {
					h.mustRun(b, 0, "", args...)
				}
				b.ReportMetric(float64(h.calls.Load())/float64(b.N), "calls/op")
			})
		}
	}
}
