package drssim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// /_sim/advance refuses durations that are negative, absurd (1e308 seconds
// overflowed the clock) or not numbers, with a message saying why, and
// leaves the clock alone.
func TestAdvanceRefusesAbsurdDurations(t *testing.T) {
	svc := start(t, nil)
	post := func(body string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Post(svc.URL+"/_sim/advance", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	for _, body := range []string{`{"seconds": 1e308}`, `{"seconds": -1}`, `{"seconds": 31708800.5}`, `{"seconds": "NaN"}`, `{"seconds": null}`} {
		code, out := post(body)
		msg, _ := out["error"].(string)
		if code != http.StatusBadRequest || !strings.Contains(msg, "seconds") {
			t.Errorf("advance %s: %d %v, want 400 naming \"seconds\"", body, code, out)
		}
	}
	if now := svc.App.Clock.Now(); !now.Equal(runservicetest.Epoch) {
		t.Fatalf("the refused requests moved the clock to %v", now)
	}
	if code, out := post(`{"seconds": 31622400}`); code != http.StatusOK {
		t.Fatalf("advance by 366 days: %d %v", code, out)
	}
	if now := svc.App.Clock.Now(); !now.Equal(runservicetest.Epoch.Add(366 * 24 * time.Hour)) {
		t.Fatalf("clock at %v after advancing 366 days", now)
	}
}
