package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/console"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

func newConsoleCommand(env *Env) *cobra.Command {
	var (
		listen    string
		tokenFile string
		regions   []string
		allowed   []string
		roles     []string
	)
	cmd := command(env, &cobra.Command{
		Use:   "console",
		Short: "Serve the web dashboard against AWS: plans, groups and servers, executions, drills, approvals",
		Long: `console serves the dashboard of ` + "`drsorch serve`" + ` against a real account:
the same pages, reading Step Functions, DRS, Service Quotas, EC2 launch templates
and the AWS Price List (plan cost estimates, pricing:GetProducts) with your AWS
credentials (--profile, SSO, --assume-role, AWS_* variables; --endpoint or
AWS_ENDPOINT_URL for a run service). The account is the credentials' own, and
each --account-role adds the account of a role assumed with them; the region is
--region, and others are one field away in the page (--regions lists them in
the header).

Listening beyond loopback needs a token: --token-file FILE (first line) or
DRSORCH_CONSOLE_TOKEN, at least 32 random characters (openssl rand -hex 32).
Browsers sign in once at /ui/login (an HttpOnly, SameSite=Strict cookie);
scripts send "Authorization: Bearer TOKEN". Without a token the console refuses
to start on a non-loopback --listen. Actions (start a drill, resume, cancel,
terminate) are accepted only from the console's own pages: same origin and an
anti-forgery token. Put TLS in front of it beyond one machine.`,
		Args: cobra.NoArgs,
	}, func(ctx context.Context, s *session, _ []string) error {
		token, err := consoleToken(env, tokenFile)
		if err != nil {
			return err
		}
		if err := console.CheckListen(listen, token); err != nil {
			return usageError("%v", err)
		}
		logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
		var accounts []*awsclient.Clients
		for _, role := range roles {
			settings := awsclient.Settings{Region: s.clients.Region, Profile: s.flags.profile, RunServiceEndpoint: s.flags.endpoint,
				AssumeRole: &awsclient.AssumeRole{RoleARN: role, SessionName: "drsorch-console"}}
			ac, err := awsclient.New(ctx, settings, env.lookup)
			if err != nil {
				return usageError("--account-role %s: %s", role, cliWording(err.Error()))
			}
			accounts = append(accounts, ac)
		}
		c, err := console.New(ctx, console.Config{Listen: listen, Token: token, AllowedHosts: allowed,
			Clients: s.clients, Accounts: accounts, Regions: regions, Logger: logger})
		if err != nil {
			return usageError("%v", err)
		}
		ln, err := net.Listen("tcp", listen)
		if err != nil {
			return usageError("--listen %s: %v", listen, err)
		}
		srv := runservice.NewHTTPServer(c, runservice.DefaultServerLimits)
		auth := "no sign-in (loopback)"
		if token != "" {
			auth = "token required"
		}
		fmt.Fprintf(env.Stdout, "drsorch console: http://%s/ui/ (account %s, region %s, as %s; %s)\n",
			ln.Addr(), c.Account, c.Region, c.Caller, auth)
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ln) }()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
		}
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:8788", "address to listen on; beyond loopback a token is required")
	f.StringVar(&tokenFile, "token-file", "", "file whose first line is the token browsers and scripts must present (env "+console.EnvToken+")")
	f.StringSliceVar(&regions, "regions", nil, "more regions to offer in the page header, e.g. us-west-2,eu-west-1")
	f.StringArrayVar(&roles, "account-role", nil, "ARN of a role to assume in another account to offer in the page (repeatable), e.g. arn:aws:iam::210987654321:role/drsorch-console")
	f.StringSliceVar(&allowed, "allowed-host", nil, "host name the console may be addressed by, besides loopback and the --listen host")
	return cmd
}

// consoleToken reads the token from --token-file, else the environment.
func consoleToken(env *Env, file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", usageError("--token-file: %v", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		if line = strings.TrimSpace(line); line == "" {
			return "", usageError("--token-file %s: the first line is empty; write the token there (openssl rand -hex 32 > %s)", file, file)
		}
		return line, nil
	}
	v, _ := env.lookup(console.EnvToken)
	return strings.TrimSpace(v), nil
}
