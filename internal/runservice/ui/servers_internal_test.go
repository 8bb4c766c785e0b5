package ui

import "testing"

func TestReadableLag(t *testing.T) {
	for in, want := range map[string]string{"PT5S": "5s", "PT1M5S": "1m 05s", "PT2H3M": "2h 03m", "P1DT2H": "26h 00m", "PT0.5S": "1s", "": "", "soon": "soon"} {
		if got := readableLag(in); got != want {
			t.Errorf("readableLag(%q) = %q, want %q", in, got, want)
		}
	}
}
