package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var assets embed.FS

// pages holds one template set per page: the layout, the shared partials
// and the page's own file, so each page defines its own "content".
type pages struct {
	byName map[string]*template.Template
}

var pageNames = []string{"list", "execution", "cancel", "terminate", "error", "plans", "plan", "start", "servers", "retry"}

func parsePages() (*pages, error) {
	base, err := template.New("layout").Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("ui templates: %w", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("ui template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// render writes the named template of a page; it renders into a buffer
// first so a template error becomes a clean 500, not half a page.
func (d *Dashboard) render(w http.ResponseWriter, status int, page, tmpl string, data any) {
	var buf bytes.Buffer
	if err := d.pages.byName[page].ExecuteTemplate(&buf, tmpl, data); err != nil {
		d.opts.Logger.Error("dashboard: render", "page", page, "template", tmpl, "error", err)
		http.Error(w, "the dashboard could not render this page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// base is what the layout needs on every page.
type base struct {
	Title   string
	Estate  Estate
	Estates []Estate
	SimNow  time.Time
	// LiveURL is polled for the "live" region of the page; empty for
	// pages that do not update.
	LiveURL string
	// PollMillis is the refresh interval of the live region.
	PollMillis int64
	// CSRF is the anti-forgery token every form carries (may be empty).
	CSRF string
	// Product names the dashboard; Real is true against AWS.
	Product string
	Real    bool
	// Section is the top navigation entry of the page.
	Section string
}

func (d *Dashboard) base(title string, est Estate) base {
	return base{Title: title, Estate: est, Estates: d.estates(est), SimNow: d.opts.Now(), PollMillis: PollInterval.Milliseconds(),
		CSRF: d.opts.CSRFToken, Product: d.opts.Product, Real: d.opts.Real, Section: "executions"}
}

type errorData struct {
	base
	Status  int
	Heading string
	Message string
}

func (d *Dashboard) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	// Keep the reader in the account and region they were looking at.
	est, err := d.estateOfExecution(r.PathValue("arn"))
	if err != nil {
		est, err = d.estateFromQuery(r)
	}
	if err != nil {
		est = d.opts.DefaultEstate
	}
	d.render(w, status, "error", "layout", errorData{base: d.base(heading, est), Status: status, Heading: heading, Message: message})
}

var templateFuncs = template.FuncMap{
	"when":        formatTime,
	"clock":       formatClock,
	"duration":    formatDuration,
	"lower":       strings.ToLower,
	"execURL":     executionURL,
	"estateURL":   estateURL,
	"sectionURL":  sectionURL,
	"planURL":     planURL,
	"statusWord":  statusWord,
	"number":      formatNumber,
	"quotaSource": quotaSource,
	"deref":       func(b *bool) bool { return b != nil && *b },
	"usd":         formatUSD,
	"rate":        formatRate,
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func formatClock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("15:04:05")
}

// formatDuration is short and readable: 45s, 3m 12s, 2h 05m, 3d 4h.
func formatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
}

func formatNumber(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.1f", f)
}

func executionURL(arn string) string { return "/ui/executions/" + url.PathEscape(arn) }

func estateURL(e Estate) string {
	return "/ui/?" + url.Values{"account": {e.Account}, "region": {e.Region}}.Encode()
}

// sectionURL is a top-level page of an estate: plans, servers.
func sectionURL(section string, e Estate) string {
	return "/ui/" + section + "?" + url.Values{"account": {e.Account}, "region": {e.Region}}.Encode()
}

// statusWord makes an enum readable: TIMED_OUT → timed out.
func statusWord(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", " ") }

func percent(n int, limit float64) int {
	if limit <= 0 {
		return 0
	}
	p := int(float64(n) / limit * 100)
	return min(max(p, 0), 100)
}

func quotaSource(source string) string {
	switch source {
	case drsapi.SourceServiceQuotas:
		return "Service Quotas"
	case drsapi.SourceDefaultAccessDenied:
		return "published default (Service Quotas denied access)"
	case drsapi.SourceDefaultNotListed:
		return "published default"
	}
	return source
}
