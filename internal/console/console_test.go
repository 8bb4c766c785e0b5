package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/console"
)

const testToken = "0123456789abcdef0123456789abcdef-test"

func TestListAndExecutionPagesReadAWSThroughTheSDK(t *testing.T) {
	f := deploy(t, console.Config{})
	arn := f.startDrill(t, "drill-1", true)

	list := f.get(t, "/ui/")
	if list.status != http.StatusOK {
		t.Fatalf("GET /ui/ = %d\n%s", list.status, list.body)
	}
	list.mustContain(t, "drill-1", "alice@example.com", "PAUSED before wave web", "console", "Concurrent jobs in progress",
		"account 123456789012, us-east-1")
	if strings.Contains(list.body, "Simulated time") {
		t.Error("the console calls AWS's time simulated")
	}
	p := f.get(t, execPath(arn))
	p.mustContain(t, `id="wave-db"`, `id="resume-web"`, `name="csrf"`, "JOB_END")

	// Another account than the credentials' own is refused with the fix.
	other := f.get(t, "/ui/?account=210987654321&region=us-east-1")
	if other.status != http.StatusBadRequest {
		t.Fatalf("another account: status %d", other.status)
	}
	other.mustContain(t, "reads accounts 123456789012", "--account-role arn:aws:iam::210987654321:role/NAME")
}

func TestRefusesNonLoopbackWithoutToken(t *testing.T) {
	for _, listen := range []string{"0.0.0.0:8788", "192.0.2.10:8788", "[::]:8788", "console.example:8788"} {
		err := console.CheckListen(listen, "")
		if err == nil || !strings.Contains(err.Error(), "needs a token") || !strings.Contains(err.Error(), console.EnvToken) {
			t.Errorf("CheckListen(%s, no token) = %v, want a refusal naming %s", listen, err, console.EnvToken)
		}
		if err := console.CheckListen(listen, testToken); err != nil {
			t.Errorf("CheckListen(%s, token) = %v", listen, err)
		}
	}
	for _, listen := range []string{"127.0.0.1:8788", "[::1]:8788", "localhost:8788"} {
		if err := console.CheckListen(listen, ""); err != nil {
			t.Errorf("CheckListen(%s, no token) = %v, want loopback accepted", listen, err)
		}
	}
	if err := console.CheckListen("0.0.0.0:8788", "short"); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("a short token: %v", err)
	}

	// New refuses too, before it asks AWS anything.
	svc := startService(t)
	awsEnvironment(t, svc.URL)
	c, err := awsclient.New(context.Background(), awsclient.Settings{}, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := console.New(context.Background(), console.Config{Listen: "0.0.0.0:8788", Clients: c}); err == nil {
		t.Fatal("console.New started on 0.0.0.0 without a token")
	}
}

func TestCrossOriginAndTokenlessActionsAreRefused(t *testing.T) {
	f := deploy(t, console.Config{})
	arn := f.startDrill(t, "drill-1", true)
	token := csrf(t, f.get(t, execPath(arn)))

	cases := []struct {
		name   string
		form   url.Values
		header http.Header
		want   string
	}{
		{"another site's Origin", url.Values{"wave": {"web"}, "csrf": {token}}, http.Header{"Origin": {"https://attacker.example"}}, "another origin"},
		{"Sec-Fetch-Site cross-site", url.Values{"wave": {"web"}, "csrf": {token}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}, "another origin"},
		{"no anti-forgery token", url.Values{"wave": {"web"}}, origin(f), "anti-forgery token"},
		{"a wrong anti-forgery token", url.Values{"wave": {"web"}, "csrf": {"forged"}}, origin(f), "anti-forgery token"},
	}
	for _, tc := range cases {
		p := f.do(t, http.MethodPost, execPath(arn)+"/resume", tc.form, tc.header)
		if p.status != http.StatusForbidden || !strings.Contains(p.body, tc.want) {
			t.Errorf("%s: status %d, body lacks %q:\n%s", tc.name, p.status, tc.want, p.body)
		}
	}
	cancel := f.do(t, http.MethodPost, execPath(arn)+"/cancel", url.Values{"confirm": {"yes"}}, http.Header{"Origin": {"https://attacker.example"}})
	if cancel.status != http.StatusForbidden {
		t.Errorf("cross-origin cancel: status %d", cancel.status)
	}
	if e := f.describe(t, arn); e.PausedBefore() != "web" {
		t.Fatalf("a refused action changed the run: %s", e.Phase())
	}

	// The console's own form goes through, recorded as the credentials' caller.
	ok := f.do(t, http.MethodPost, execPath(arn)+"/resume", url.Values{"wave": {"web"}, "csrf": {token}}, origin(f))
	if ok.status != http.StatusSeeOther {
		t.Fatalf("resume from the console's page: status %d\n%s", ok.status, ok.body)
	}
	w, _ := f.describe(t, arn).Wave("web")
	if w.Approval == nil || !strings.HasPrefix(w.Approval.ApprovedBy, "arn:aws:") || !strings.HasPrefix(w.Approval.Reason, "drsorch console, from ") {
		t.Errorf("approval = %+v, want the caller's ARN (STS) and the console as the reason", w.Approval)
	}
}

func TestTokenIsRequiredBeyondLoopback(t *testing.T) {
	f := deploy(t, console.Config{Listen: "0.0.0.0:0", Token: testToken, AllowedHosts: []string{"127.0.0.1"}})

	browser := f.do(t, http.MethodGet, "/ui/", nil, http.Header{"Accept": {"text/html"}})
	if browser.status != http.StatusSeeOther || !strings.HasPrefix(browser.location, "/ui/login") {
		t.Fatalf("a browser without a session: status %d, location %q", browser.status, browser.location)
	}
	script := f.get(t, "/ui/")
	if script.status != http.StatusUnauthorized || script.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("a script without the token: status %d", script.status)
	}
	if p := f.do(t, http.MethodGet, "/ui/", nil, http.Header{"Authorization": {"Bearer wrong-token"}}); p.status != http.StatusUnauthorized {
		t.Fatalf("a wrong bearer token: status %d", p.status)
	}
	if p := f.do(t, http.MethodGet, "/ui/", nil, http.Header{"Authorization": {"Bearer " + testToken}}); p.status != http.StatusOK {
		t.Fatalf("the bearer token: status %d", p.status)
	}

	// Signing in: a wrong token is refused, the right one sets a cookie
	// that is HttpOnly and SameSite=Strict and does not hold the token.
	bad := f.do(t, http.MethodPost, "/ui/login", url.Values{"token": {"nope"}, "next": {"/ui/plans"}}, origin(f))
	if bad.status != http.StatusUnauthorized {
		t.Fatalf("sign-in with a wrong token: status %d", bad.status)
	}
	in := f.do(t, http.MethodPost, "/ui/login", url.Values{"token": {testToken}, "next": {"https://evil.example/"}}, origin(f))
	if in.status != http.StatusSeeOther || in.location != "/ui/" {
		t.Fatalf("sign-in: status %d location %q (an outside next must fall back to /ui/)", in.status, in.location)
	}
	cookie := in.header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") || strings.Contains(cookie, testToken) {
		t.Fatalf("session cookie %q", cookie)
	}
	name, value, _ := strings.Cut(strings.Split(cookie, ";")[0], "=")
	if p := f.do(t, http.MethodGet, "/ui/", nil, http.Header{"Cookie": {name + "=" + value}}); p.status != http.StatusOK {
		t.Fatalf("with the session cookie: status %d", p.status)
	}
	if p := f.do(t, http.MethodPost, "/ui/login", url.Values{"token": {testToken}}, http.Header{"Origin": {"https://evil.example"}}); p.status != http.StatusForbidden {
		t.Fatalf("cross-origin sign-in: status %d", p.status)
	}
}

func TestForeignHostNamesAreRefused(t *testing.T) {
	f := deploy(t, console.Config{})
	req, _ := http.NewRequest(http.MethodGet, f.url+"/ui/", nil)
	req.Host = "rebind.attacker.example"
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("Host rebind.attacker.example: status %d", res.StatusCode)
	}
}

// TestAnotherAccountThroughAnAssumedRole: --account-role offers a second
// account, read with the role's temporary credentials from STS.
func TestAnotherAccountThroughAnAssumedRole(t *testing.T) {
	svc := startService(t)
	awsEnvironment(t, svc.URL)
	ctx := context.Background()
	base, err := awsclient.New(ctx, awsclient.Settings{}, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	other, err := awsclient.New(ctx, awsclient.Settings{AssumeRole: &awsclient.AssumeRole{
		RoleARN: "arn:aws:iam::210987654321:role/drsorch-console", SessionName: "drsorch-console"}}, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	c, err := console.New(ctx, console.Config{Listen: "127.0.0.1:0", Clients: base, Accounts: []*awsclient.Clients{other}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	f := &fixture{url: srv.URL}
	home := f.get(t, "/ui/")
	home.mustContain(t, `href="/ui/?account=210987654321&amp;region=us-east-1"`, `href="/ui/?account=123456789012&amp;region=us-east-1"`)
	servers := f.get(t, "/ui/servers?account=210987654321&region=us-east-1")
	if servers.status != http.StatusOK || !strings.Contains(servers.body, `<tr id="server-`) {
		t.Fatalf("servers of the second account: %d\n%s", servers.status, servers.body)
	}
	mine := f.get(t, "/ui/servers")
	first := mine.body[strings.Index(mine.body, `<tr id="server-`):]
	first = first[:strings.Index(first, `">`)]
	if strings.Contains(servers.body, first) {
		t.Errorf("account 210987654321 shows %s of 123456789012: the role's clients were not used", first)
	}
	if p := f.get(t, "/ui/?account=111122223333"); p.status != http.StatusBadRequest {
		t.Errorf("an account not offered: %d", p.status)
	}
}
