// Package awsclient builds the aws-sdk-go-v2 configuration and service
// clients that the provider and the drsorch CLI share: region, profile,
// shared files, assume-role, per-service endpoints, the run-service
// endpoint, and one tuned retry layer.
package awsclient

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxRetries matches the AWS provider's default.
const DefaultMaxRetries = 25

// DefaultMaxBackoff caps the delay between two attempts.
const DefaultMaxBackoff = 20 * time.Second

// Environment variables read besides the SDK's own.
const (
	EnvRunServiceEndpoint = "DRSORCH_RUN_SERVICE_ENDPOINT"
	EnvRegion             = "AWS_REGION"
	EnvDefaultRegion      = "AWS_DEFAULT_REGION"
	EnvProfile            = "AWS_PROFILE"
	EnvDefaultProfile     = "AWS_DEFAULT_PROFILE"
	EnvConfigFile         = "AWS_CONFIG_FILE"
	EnvCredentialsFile    = "AWS_SHARED_CREDENTIALS_FILE"
	EnvAccessKeyID        = "AWS_ACCESS_KEY_ID"
	EnvMaxAttempts        = "AWS_MAX_ATTEMPTS"
)

// Static credentials used against the run service when no credentials are
// configured. The run service maps any key it did not issue to its default
// account.
const (
	LocalAccessKeyID     = "AKIADRSORCHLOCAL0000"
	LocalSecretAccessKey = "drsorch-local-secret"
)

// Settings is what a user configures; zero values mean "not set".
type Settings struct {
	Region                 string
	Profile                string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	AssumeRole             *AssumeRole
	Endpoints              Endpoints
	// RunServiceEndpoint points every service at one `drsorch serve` URL.
	RunServiceEndpoint string
	// MaxRetries is the number of retries after the first attempt; nil
	// means DefaultMaxRetries.
	MaxRetries *int
	// MaxBackoff caps the delay between attempts; zero means
	// DefaultMaxBackoff.
	MaxBackoff time.Duration
}

// AssumeRole describes the role to assume with the base credentials.
type AssumeRole struct {
	RoleARN     string
	ExternalID  string
	SessionName string
	Duration    time.Duration
}

// Endpoints overrides the endpoint of single services.
type Endpoints struct {
	DRS           string
	SFN           string
	Events        string
	STS           string
	ServiceQuotas string
	EC2           string
	Logs          string // CloudWatch Logs: the plans' log groups (audit trail, console)
	Pricing       string // the AWS Price List Query API (the console's cost estimates)
}

// Lookup reads one environment variable; os.LookupEnv in production.
type Lookup func(string) (string, bool)

// WithEnvironment fills every unset field from the environment, the way
// AWS provider users expect: explicit configuration always wins.
func (s Settings) WithEnvironment(lookup Lookup) Settings {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	get := func(names ...string) string {
		for _, n := range names {
			if v, ok := lookup(n); ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	if s.Region == "" {
		s.Region = get(EnvRegion, EnvDefaultRegion)
	}
	if s.Profile == "" {
		s.Profile = get(EnvProfile, EnvDefaultProfile)
	}
	if len(s.SharedConfigFiles) == 0 {
		if v := get(EnvConfigFile); v != "" {
			s.SharedConfigFiles = []string{v}
		}
	}
	if len(s.SharedCredentialsFiles) == 0 {
		if v := get(EnvCredentialsFile); v != "" {
			s.SharedCredentialsFiles = []string{v}
		}
	}
	if s.RunServiceEndpoint == "" {
		s.RunServiceEndpoint = get(EnvRunServiceEndpoint)
	}
	if s.MaxRetries == nil {
		// AWS_MAX_ATTEMPTS counts the first attempt too.
		if n, err := strconv.Atoi(get(EnvMaxAttempts)); err == nil && n >= 1 {
			retries := n - 1
			s.MaxRetries = &retries
		}
	}
	return s
}

// credentialsConfigured says whether the user chose credentials: a profile,
// explicit shared files or access keys in the environment. Without them the
// run service gets the static local credentials.
func (s Settings) credentialsConfigured(lookup Lookup) bool {
	if envSet(lookup, EnvAccessKeyID) {
		return true
	}
	return s.Profile != "" || len(s.SharedCredentialsFiles) > 0
}

func envSet(lookup Lookup, name string) bool {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, ok := lookup(name)
	return ok && strings.TrimSpace(v) != ""
}

func (s Settings) maxAttempts() int {
	if s.MaxRetries == nil {
		return DefaultMaxRetries + 1
	}
	return *s.MaxRetries + 1
}

func (s Settings) maxBackoff() time.Duration {
	if s.MaxBackoff <= 0 {
		return DefaultMaxBackoff
	}
	return s.MaxBackoff
}

// validateEndpoints rejects endpoint URLs the SDK would only fail on later,
// with less context.
func (s Settings) validateEndpoints() error {
	check := func(name, value string) error {
		if value == "" {
			return nil
		}
		u, err := url.Parse(value)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s %q is not a URL: use the form http://127.0.0.1:8787 (scheme http or https, host and port)", name, value)
		}
		return nil
	}
	for _, e := range []struct{ name, value string }{
		{"run_service_endpoint", s.RunServiceEndpoint},
		{"endpoints.drs", s.Endpoints.DRS},
		{"endpoints.sfn", s.Endpoints.SFN},
		{"endpoints.events", s.Endpoints.Events},
		{"endpoints.sts", s.Endpoints.STS},
		{"endpoints.servicequotas", s.Endpoints.ServiceQuotas},
		{"endpoints.ec2", s.Endpoints.EC2},
		{"endpoints.logs", s.Endpoints.Logs},
		{"endpoints.pricing", s.Endpoints.Pricing},
	} {
		if err := check(e.name, e.value); err != nil {
			return err
		}
	}
	return nil
}
