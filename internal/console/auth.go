package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// sessionCookie holds proof of the token, never the token itself.
const sessionCookie = "drsorch_console"

// auth checks the console token. With no token every request passes (the
// console then listens on loopback only, see CheckListen).
type auth struct {
	token   string
	session string // HMAC of a fixed label under the token
}

func newAuth(token string) *auth {
	a := &auth{token: token}
	if token != "" {
		mac := hmac.New(sha256.New, []byte(token))
		mac.Write([]byte("drsorch console session v1"))
		a.session = hex.EncodeToString(mac.Sum(nil))
	}
	return a
}

func (a *auth) enabled() bool { return a.token != "" }

// allowed reports whether a request carries the token (bearer) or a
// session cookie made from it.
func (a *auth) allowed(r *http.Request) bool {
	if !a.enabled() {
		return true
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return equal(strings.TrimPrefix(h, "Bearer "), a.token)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return equal(c.Value, a.session)
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// require sends a browser without a session to the sign-in page and any
// other client a 401.
func (a *auth) require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.allowed(r) {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, "/ui/login?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="drsorch console"`)
		http.Error(w, "this console needs its token: sign in at /ui/login, or send Authorization: Bearer TOKEN", http.StatusUnauthorized)
	})
}

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>Sign in · drsorch console</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/ui/static/dashboard.css"></head>
<body><main id="main"><section class="panel confirm" aria-labelledby="login-h">
<h1 id="login-h">Sign in to the drsorch console</h1>
{{if .Problem}}<p class="alert error" role="alert" id="problem">{{.Problem}}</p>{{end}}
{{if .Enabled}}
<p>Give the console's token (from <code>--token-file</code> or <code>DRSORCH_CONSOLE_TOKEN</code> where it was started).</p>
<form method="post" action="/ui/login" class="confirm-actions">
<input type="hidden" name="next" value="{{.Next}}">
<label for="token">Token</label> <input type="password" id="token" name="token" autocomplete="current-password" required autofocus size="40">
<button type="submit" class="primary" id="sign-in">Sign in</button>
</form>
{{else}}<p>This console listens on loopback and needs no sign-in. <a href="/ui/">Open it</a>.</p>{{end}}
</section></main></body></html>
`))

type loginData struct {
	Enabled bool
	Next    string
	Problem string
}

func (a *auth) loginPage(w http.ResponseWriter, r *http.Request) {
	a.renderLogin(w, http.StatusOK, loginData{Enabled: a.enabled(), Next: safeNext(r.URL.Query().Get("next"))})
}

func (a *auth) renderLogin(w http.ResponseWriter, status int, d loginData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
	w.WriteHeader(status)
	_ = loginTemplate.Execute(w, d)
}

// login checks the token and sets the session cookie: HttpOnly (no script
// reads it) and SameSite=Strict (no other site's form sends it).
func (a *auth) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	if !sameOrigin(r) {
		http.Error(w, "sign-in accepted only from the console's own page", http.StatusForbidden)
		return
	}
	if !a.enabled() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if !equal(r.PostFormValue("token"), a.token) {
		a.renderLogin(w, http.StatusUnauthorized, loginData{Enabled: true, Next: next, Problem: "That is not this console's token."})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: a.session, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// safeNext keeps redirects after sign-in inside the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/ui/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/ui/"
	}
	return next
}

// sameOrigin refuses a form posted by another site (Origin, or the
// browser's Sec-Fetch-Site, disagreeing with the console's Host).
func sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}
