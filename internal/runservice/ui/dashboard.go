// Package ui is the run service's live dashboard, served at /ui/: the
// executions of every drsorch plan in an account and region, and for each
// execution its waves by level, servers, DRS job events, pause gate
// (Resume) and Cancel, with the DRS quotas against live usage.
//
// Pages are rendered on the server (html/template); a little plain
// JavaScript refreshes them every two seconds. Everything is embedded in
// the binary. The dashboard talks to the run service's own AWS wire APIs
// through the real SDK clients, in process (see transport.go).
package ui

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/drsorch/terraform-provider-drsorch/internal/cost"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// DefaultRegion is the region shown when none is chosen.
const DefaultRegion = "us-east-1"

// maxCachedEstates bounds the per-estate client cache.
const maxCachedEstates = 64

// PollInterval is how often the pages refresh themselves.
const PollInterval = 2 * time.Second

// Estate is one account and region.
type Estate struct {
	Account string
	Region  string
	Servers int // source servers the simulator holds there; 0 when unknown
}

func (e Estate) String() string { return e.Account + " / " + e.Region }

// Options configure the dashboard.
type Options struct {
	// API serves the run service's AWS wire APIs (the App's router).
	API http.Handler
	// Now is the run service's (simulated) clock.
	Now func() time.Time
	// Estates lists the accounts and regions the simulator has.
	Estates func() []Estate
	Logger  *slog.Logger

	// The fields below let the same dashboard serve real AWS accounts
	// (`drsorch console`); the run service leaves them zero.

	// Clients builds the AWS clients of an account and region. Nil means
	// clients served in process by API.
	Clients func(Estate) executions.Clients
	// Logs builds the CloudWatch Logs client of an account and region
	// (plans' execution logs). Nil means one served in process by API.
	Logs func(Estate) *cloudwatchlogs.Client
	// DefaultEstate is shown when the query names none; zero means the
	// run service's default account in us-east-1.
	DefaultEstate Estate
	// CheckEstate refuses an account or region the caller cannot read
	// (for the console: another account than its credentials'); nil
	// accepts any.
	CheckEstate func(Estate) error
	// STS builds the STS client that names who acts (GetCallerIdentity)
	// in an account and region, for the audit trail. Nil means one served
	// in process by API.
	STS func(Estate) *sts.Client
	// CSRFToken, when set, is put into every form and required of every
	// action (field csrf), on top of the same-origin check.
	CSRFToken string
	// Product names the dashboard in its header ("run service" when empty).
	Product string
	// Real is true against AWS: times are wall-clock, not simulated.
	Real bool
	// EC2 builds the EC2 client of an account and region (launch
	// templates, for cost estimates). Nil means one served in process by
	// API.
	EC2 func(Estate) *ec2.Client
	// Pricing builds the AWS Price List client for an account and region's
	// cost estimates, with the region it is signed for (nil when the
	// partition has no Price List endpoint). Nil means one served in
	// process by API.
	Pricing func(Estate) (*pricing.Client, string)
}

// Dashboard serves /ui/.
type Dashboard struct {
	opts  Options
	mux   *http.ServeMux
	pages *pages

	clientsMu sync.Mutex
	clientsOf map[Estate]executions.Clients
	// prices are the Price List's answers, kept for the process's life.
	prices *cost.PriceList
}

// New builds the dashboard.
func New(opts Options) (*Dashboard, error) {
	if opts.API == nil && opts.Clients == nil {
		return nil, fmt.Errorf("ui: Options.API or Options.Clients is required: the handler that serves the run service's AWS APIs, or the AWS clients")
	}
	if opts.DefaultEstate.Account == "" {
		opts.DefaultEstate.Account = awswire.DefaultAccount
	}
	if opts.DefaultEstate.Region == "" {
		opts.DefaultEstate.Region = DefaultRegion
	}
	if opts.Product == "" {
		opts.Product = "run service"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Estates == nil {
		opts.Estates = func() []Estate { return nil }
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	d := &Dashboard{opts: opts, mux: http.NewServeMux(), pages: p, clientsOf: map[Estate]executions.Clients{}, prices: cost.NewPriceList()}
	d.routes()
	return d, nil
}

func (d *Dashboard) routes() {
	d.mux.HandleFunc("GET /ui/{$}", d.listPage)
	d.mux.HandleFunc("GET /ui/live", d.listLive)
	d.mux.HandleFunc("GET /ui/executions/{arn}", d.executionPage)
	d.mux.HandleFunc("GET /ui/executions/{arn}/live", d.executionLive)
	d.mux.HandleFunc("GET /ui/executions/{arn}/cancel", d.confirmCancel)
	d.mux.HandleFunc("POST /ui/executions/{arn}/cancel", d.cancel)
	d.mux.HandleFunc("POST /ui/executions/{arn}/resume", d.resume)
	d.mux.HandleFunc("GET /ui/executions/{arn}/terminate", d.confirmTerminate)
	d.mux.HandleFunc("POST /ui/executions/{arn}/terminate", d.terminate)
	d.mux.HandleFunc("GET /ui/executions/{arn}/retry", d.confirmRetry)
	d.mux.HandleFunc("POST /ui/executions/{arn}/retry", d.retry)
	d.mux.HandleFunc("GET /ui/plans", d.plansPage)
	d.mux.HandleFunc("GET /ui/plans/{plan}", d.planPage)
	d.mux.HandleFunc("GET /ui/plans/{plan}/start", d.confirmStart)
	d.mux.HandleFunc("POST /ui/plans/{plan}/start", d.startDrill)
	d.mux.HandleFunc("GET /ui/servers", d.serversPage)
	d.mux.Handle("GET /ui/static/", http.StripPrefix("/ui/", http.FileServerFS(assets)))
	d.mux.HandleFunc("/ui/", func(w http.ResponseWriter, r *http.Request) {
		d.errorPage(w, r, http.StatusNotFound, "No such page", fmt.Sprintf("The dashboard has no page at %s.", r.URL.Path))
	})
}

func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
	w.Header().Set("Referrer-Policy", "same-origin")
	d.mux.ServeHTTP(w, r)
}

var (
	accountPattern = regexp.MustCompile(`^\d{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	// arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>
	executionARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):execution:[A-Za-z0-9_-]+:[^:/]+$`)
)

// estateFromQuery reads ?account= and ?region=, defaulting to the
// dashboard's default estate.
func (d *Dashboard) estateFromQuery(r *http.Request) (Estate, error) {
	q := r.URL.Query()
	est := Estate{Account: strings.TrimSpace(q.Get("account")), Region: strings.TrimSpace(q.Get("region"))}
	if est.Account == "" {
		est.Account = d.opts.DefaultEstate.Account
	}
	if est.Region == "" {
		est.Region = d.opts.DefaultEstate.Region
	}
	if !accountPattern.MatchString(est.Account) {
		return est, fmt.Errorf("account %q is not an AWS account ID: use 12 digits, such as %s", est.Account, awswire.DefaultAccount)
	}
	if !regionPattern.MatchString(est.Region) {
		return est, fmt.Errorf("region %q is not an AWS region: use a name such as us-east-1 or eu-west-2", est.Region)
	}
	return est, d.checkEstate(est)
}

func (d *Dashboard) checkEstate(est Estate) error {
	if d.opts.CheckEstate == nil {
		return nil
	}
	return d.opts.CheckEstate(est)
}

// estateOfExecution reads the account and region from an execution ARN.
func (d *Dashboard) estateOfExecution(arn string) (Estate, error) {
	m := executionARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return Estate{}, fmt.Errorf("%q is not a Step Functions execution ARN (arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME)", arn)
	}
	est := Estate{Region: m[1], Account: m[2]}
	return est, d.checkEstate(est)
}

// estates lists the simulator's estates plus current, sorted.
func (d *Dashboard) estates(current Estate) []Estate {
	all := d.opts.Estates()
	seen := false
	for _, e := range all {
		if e.Account == current.Account && e.Region == current.Region {
			seen = true
		}
	}
	if !seen {
		all = append(all, current)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Account != all[j].Account {
			return all[i].Account < all[j].Account
		}
		return all[i].Region < all[j].Region
	})
	return all
}

// clients returns the AWS clients of an account and region, built once.
func (d *Dashboard) clients(est Estate) executions.Clients {
	key := Estate{Account: est.Account, Region: est.Region}
	d.clientsMu.Lock()
	defer d.clientsMu.Unlock()
	c, ok := d.clientsOf[key]
	if !ok {
		if d.opts.Clients != nil {
			c = d.opts.Clients(key)
		} else {
			c = clientsFor(d.opts.API, key)
		}
		// Any account and region can be asked for: keep the cache bounded.
		if len(d.clientsOf) < maxCachedEstates {
			d.clientsOf[key] = c
		}
	}
	return c
}

// logs returns the CloudWatch Logs client of an account and region.
func (d *Dashboard) logs(est Estate) *cloudwatchlogs.Client {
	if d.opts.Logs != nil {
		return d.opts.Logs(est)
	}
	return logsFor(d.opts.API, est)
}
