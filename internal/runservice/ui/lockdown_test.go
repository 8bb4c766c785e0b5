package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// DNS rebinding: a page on rebind.attacker.example whose name now resolves
// to the run service posts Resume with its own Origin and Host, which agree
// with each other. The Host allowlist refuses it, and the run stays paused.
func TestRebindingPageCannotResume(t *testing.T) {
	f := deploy(t)
	arn := f.startDrill(t, true)
	u, _ := url.Parse(f.svc.URL)
	evil := "rebind.attacker.example:" + u.Port()
	req, err := http.NewRequest(http.MethodPost, f.svc.URL+execPath(arn)+"/resume", strings.NewReader(url.Values{"wave": {"web"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = evil
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+evil)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	p := read(t, res)
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "not allowed") {
		t.Fatalf("resume from a rebinding page: status %d %s", p.status, p.body)
	}
	if e := f.describe(t, arn); e.PausedBefore() != "web" {
		t.Fatalf("a refused resume changed the run: %s", e.Phase())
	}
}
