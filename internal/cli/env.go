// Package cli implements the drsorch commands for the day of a disaster:
// plans, start, status, resume, cancel, terminate, history and quotas.
// They work against AWS or a `drsorch serve` run service, build their
// clients the way the provider does (internal/awsclient), and run the same
// checks before starting anything.
package cli

import (
	"context"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// Env is what the commands need from the outside world; tests replace it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Lookup reads the environment; nil means os.LookupEnv.
	Lookup awsclient.Lookup
	// Now is the current time, for --since and durations of running
	// executions; nil means time.Now.
	Now func() time.Time
	// Terminal reports whether w is an interactive terminal (redraw in
	// place, colours); nil means: a character device.
	Terminal func(w io.Writer) bool
}

// DefaultEnv is the process's standard streams and environment.
func DefaultEnv() *Env {
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

func (e *Env) lookup(name string) (string, bool) {
	if e.Lookup != nil {
		return e.Lookup(name)
	}
	return os.LookupEnv(name)
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) isTerminal(w io.Writer) bool {
	if e.Terminal != nil {
		return e.Terminal(w)
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// colour says whether output to w may use ANSI colours.
func (e *Env) colour(w io.Writer) bool {
	if _, set := e.lookup("NO_COLOR"); set {
		return false
	}
	if v, _ := e.lookup("TERM"); v == "dumb" {
		return false
	}
	return e.isTerminal(w)
}

// globalFlags are the connection and output flags every command takes.
type globalFlags struct {
	endpoint   string
	region     string
	profile    string
	assumeRole string
	json       bool
	poll       time.Duration
}

func (g *globalFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&g.endpoint, "endpoint", "", "one URL for every service, e.g. a `drsorch serve` run service (env "+awsclient.EnvRunServiceEndpoint+")")
	f.StringVar(&g.region, "region", "", "AWS region (env AWS_REGION, AWS_DEFAULT_REGION)")
	f.StringVar(&g.profile, "profile", "", "shared config profile (env AWS_PROFILE)")
	f.StringVar(&g.assumeRole, "assume-role", "", "ARN of a role to assume with the base credentials")
	f.BoolVar(&g.json, "json", false, "print JSON for scripts instead of tables")
	f.DurationVar(&g.poll, "poll-interval", 10*time.Second, "longest wait between two reads while waiting or watching")
}

// session is one command invocation: its flags, streams and clients.
type session struct {
	env     *Env
	flags   *globalFlags
	clients *awsclient.Clients
}

func (s *session) exec() executions.Clients {
	return executions.Clients{SFN: s.clients.SFN, DRS: s.clients.DRS, Quotas: s.clients.ServiceQuotas}
}

// connect builds the clients with the provider's code path.
func (g *globalFlags) connect(ctx context.Context, env *Env) (*session, error) {
	if g.poll <= 0 {
		return nil, usageError("--poll-interval must be positive, got %s", g.poll)
	}
	settings := awsclient.Settings{Region: g.region, Profile: g.profile, RunServiceEndpoint: g.endpoint}
	if g.assumeRole != "" {
		settings.AssumeRole = &awsclient.AssumeRole{RoleARN: g.assumeRole, SessionName: "drsorch-cli"}
	}
	c, err := awsclient.New(ctx, settings, env.lookup)
	if err != nil {
		// Region, credentials and endpoint problems are fixed by flags.
		return nil, usageError("%s", cliWording(err.Error()))
	}
	return &session{env: env, flags: g, clients: c}, nil
}

// cliWording rewrites the provider's configuration hints into flags.
func cliWording(msg string) string {
	return strings.NewReplacer(
		"`region` in the provider block", "--region",
		"`profile`", "--profile",
		"`run_service_endpoint`", "--endpoint",
		"run_service_endpoint", "--endpoint",
	).Replace(msg)
}
