// Package console serves the run service's dashboard (internal/runservice/ui)
// against real AWS accounts: the same pages, reading Step Functions, DRS,
// Service Quotas and CloudWatch Logs through the aws-sdk-go-v2 clients that internal/awsclient
// builds from the default credential chain (profiles, SSO, assume-role).
// Only the transport differs from `drsorch serve`'s /ui/.
//
// Who may use it: on a loopback listener anyone on the machine (as with the
// AWS CLI's own credentials); beyond loopback only holders of the console's
// token, which the console refuses to start without. Every action
// (start, resume, cancel, terminate) must come from the console's own pages:
// same origin and the per-process anti-forgery token.
package console

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ui"
)

// EnvToken is the environment variable that may carry the token.
const EnvToken = "DRSORCH_CONSOLE_TOKEN"

// MinTokenLength keeps tokens out of guessing range (32 hex characters
// are 128 bits).
const MinTokenLength = 32

// Config configures a console.
type Config struct {
	// Listen is the listen address; only a loopback one may go without
	// Token.
	Listen string
	// Token, when set, is required of every request: as a session cookie
	// after signing in at /ui/login, or as "Authorization: Bearer TOKEN".
	Token string
	// AllowedHosts are host names the Host header may carry besides the
	// loopback names and the listen host (DNS-rebinding guard).
	AllowedHosts []string
	// Clients are the AWS clients of the default account and region.
	Clients *awsclient.Clients
	// Accounts are the clients of more accounts offered in the page
	// (built with --account-role: a role assumed in each).
	Accounts []*awsclient.Clients
	// Regions are offered in the page besides the default one.
	Regions []string
	Logger  *slog.Logger
	// Now is the clock for durations and time filters; nil means
	// time.Now (tests pass the run service's simulated clock).
	Now func() time.Time
}

// Console is the HTTP handler of `drsorch console`.
type Console struct {
	Account string
	Caller  string // the ARN the credentials act as
	Region  string
	handler http.Handler
	hosts   *runservice.HostAllowlist
	auth    *auth
	dash    *ui.Dashboard
	regions []string
	logger  *slog.Logger
	// accounts are the clients of every account offered, the default one
	// included, by account ID; order lists them.
	accounts map[string]*awsclient.Clients
	order    []string
}

// CheckListen refuses a non-loopback listener without a token, and a token
// too short to be secret.
func CheckListen(listen, token string) error {
	if token != "" && len(token) < MinTokenLength {
		return fmt.Errorf("the console token is %d characters long: use at least %d random ones, e.g. `openssl rand -hex 32`", len(token), MinTokenLength)
	}
	if token == "" && !runservice.IsLoopbackListen(listen) {
		return fmt.Errorf("--listen %s is not a loopback address: the console acts with your AWS credentials, so beyond loopback it needs a token; "+
			"set --token-file FILE or %s (at least %d random characters, e.g. `openssl rand -hex 32`), or listen on 127.0.0.1", listen, EnvToken, MinTokenLength)
	}
	return nil
}

// New checks the configuration, asks STS who the credentials are, and
// builds the console.
func New(ctx context.Context, cfg Config) (*Console, error) {
	if cfg.Clients == nil {
		return nil, errors.New("console: Config.Clients is required")
	}
	if err := CheckListen(cfg.Listen, cfg.Token); err != nil {
		return nil, err
	}
	for _, r := range cfg.Regions {
		if !regionName(r) {
			return nil, fmt.Errorf("--regions: %q is not an AWS region: use names such as us-east-1,eu-west-2", r)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hosts, err := runservice.NewHostAllowlist(cfg.Listen, cfg.AllowedHosts)
	if err != nil {
		return nil, err
	}
	c := &Console{Region: cfg.Clients.Region, hosts: hosts, regions: cfg.Regions, logger: cfg.Logger, accounts: map[string]*awsclient.Clients{}}
	for i, clients := range append([]*awsclient.Clients{cfg.Clients}, cfg.Accounts...) {
		who, err := clients.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("ask STS who the AWS credentials are (GetCallerIdentity): %w", err)
		}
		id := aws.ToString(who.Account)
		if _, dup := c.accounts[id]; dup {
			return nil, fmt.Errorf("--account-role: account %s is offered twice; give one role per account", id)
		}
		c.accounts[id] = clients
		c.order = append(c.order, id)
		if i == 0 {
			c.Account, c.Caller = id, aws.ToString(who.Arn)
		}
	}
	csrf, err := randomHex(32)
	if err != nil {
		return nil, err
	}
	c.auth = newAuth(cfg.Token)
	c.dash, err = ui.New(ui.Options{
		Clients:       c.clientsOf,
		Logs:          func(est ui.Estate) *cloudwatchlogs.Client { return c.regional(est).Logs },
		Now:           cfg.Now,
		Estates:       c.estates,
		Logger:        cfg.Logger,
		DefaultEstate: ui.Estate{Account: c.Account, Region: c.Region},
		CheckEstate:   c.checkEstate,
		STS:           func(est ui.Estate) *sts.Client { return c.regional(est).STS },
		CSRFToken:     csrf,
		Product:       "console",
		Real:          true,
		EC2:           func(est ui.Estate) *ec2.Client { return c.regional(est).EC2 },
		Pricing: func(est ui.Estate) (*pricing.Client, string) {
			rc := c.regional(est)
			return rc.Pricing, rc.PricingRegion
		},
	})
	if err != nil {
		return nil, err
	}
	c.handler = c.routes()
	return c, nil
}

func (c *Console) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ui/", http.StatusFound) })
	mux.HandleFunc("GET /ui/login", c.auth.loginPage)
	mux.HandleFunc("POST /ui/login", c.auth.login)
	mux.Handle("GET /ui/static/", c.dash) // the sign-in page's style sheet
	mux.Handle("/ui/", c.auth.require(c.dash))
	return mux
}

// ServeHTTP refuses foreign Host names, then serves the pages.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !c.hosts.Allows(r.Host) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "Host %q is not allowed: name the console by a loopback address, its --listen host or an --allowed-host value\n", r.Host)
		return
	}
	c.handler.ServeHTTP(w, r)
}

// regional returns the clients of an estate's account (checked by
// checkEstate before) in its region.
func (c *Console) regional(est ui.Estate) *awsclient.Clients {
	a, ok := c.accounts[est.Account]
	if !ok {
		a = c.accounts[c.Account]
	}
	return a.ForRegion(est.Region)
}

func (c *Console) clientsOf(est ui.Estate) executions.Clients {
	rc := c.regional(est)
	return executions.Clients{SFN: rc.SFN, DRS: rc.DRS, Quotas: rc.ServiceQuotas}
}

// estates are every offered account in the default region and every
// --regions region.
func (c *Console) estates() []ui.Estate {
	var out []ui.Estate
	for _, id := range c.order {
		out = append(out, ui.Estate{Account: id, Region: c.Region})
		for _, r := range c.regions {
			if r != c.Region {
				out = append(out, ui.Estate{Account: id, Region: r})
			}
		}
	}
	return out
}

func (c *Console) checkEstate(est ui.Estate) error {
	if _, ok := c.accounts[est.Account]; !ok {
		return fmt.Errorf("this console reads accounts %s (the credentials of %s and each --account-role), not %s: add --account-role arn:aws:iam::%s:role/NAME",
			strings.Join(c.order, ", "), c.Caller, est.Account, est.Account)
	}
	return nil
}

func regionName(s string) bool {
	parts := strings.Split(s, "-")
	return len(parts) >= 3 && len(parts[0]) == 2 && strings.Trim(parts[len(parts)-1], "0123456789") == ""
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("console: read random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}
