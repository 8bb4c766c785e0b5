package recoveryplan

import (
	"strings"
	"testing"
	"time"
)

// RTO targets are checked on their own attribute: the plan's (wave -1) and
// each wave's; targets that cannot decide anything are warnings.
func TestValidateRTO(t *testing.T) {
	tests := []struct {
		name     string
		plan     Plan
		severity Severity
		wave     int
		contains string
	}{
		{"plan rto too short", Plan{RTO: 30 * time.Second, Waves: []Wave{wave("db")}}, Error, -1, "the plan has rto 30s; use a duration between 1m0s and 8760h"},
		{"plan rto over a year", Plan{RTO: 9000 * time.Hour, Waves: []Wave{wave("db")}}, Error, -1, "between 1m0s and 8760h"},
		{"wave rto in fractions", Plan{Waves: []Wave{wave("db"), {Name: "app", RTO: 90*time.Second + time.Millisecond}}}, Error, 1, `wave "app" has rto 1m30.001s; use whole seconds, such as 1m30s`},
		{"wave rto past its timeout", Plan{Waves: []Wave{{Name: "db", RTO: 90 * time.Minute}}}, Warning, 0, "times out (fails) after 1h0m0s"},
		{"wave rto past the plan's", Plan{RTO: 30 * time.Minute, Waves: []Wave{{Name: "db", RTO: 40 * time.Minute}}}, Warning, 0, "longer than the plan's rto 30m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := tt.plan.ValidateStructure()
			if len(ps) != 1 {
				t.Fatalf("problems = %+v, want one", ps)
			}
			p := ps[0]
			if p.Severity != tt.severity || p.Wave != tt.wave || p.Attribute != "rto" || !strings.Contains(p.Detail, tt.contains) {
				t.Fatalf("problem = %+v", p)
			}
		})
	}
	ok := Plan{RTO: 2 * time.Hour, Waves: []Wave{{Name: "db", RTO: 30 * time.Minute}, wave("app")}}
	if ps := ok.ValidateStructure(); len(ps) != 0 {
		t.Fatalf("valid targets reported %+v", ps)
	}
}
