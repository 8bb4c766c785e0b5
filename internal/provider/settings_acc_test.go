package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// Helpers of the settings resources' acceptance tests: an SDK client on
// the test's run service, to look servers up and to change DRS behind
// Terraform's back.

func settingsDRS(env *acctest.Env) *drs.Client {
	cfg := env.Service.AWSConfig(env.Region)
	// A few attempts: a loopback connection is now and then cut while the
	// previous test's service shuts down.
	cfg.RetryMaxAttempts = 3
	return drs.NewFromConfig(cfg)
}

// serverByHostname finds a demo-estate server.
func serverByHostname(t *testing.T, env *acctest.Env, host string) drstypes.SourceServer {
	t.Helper()
	all, err := drsapi.ListSourceServers(context.Background(), settingsDRS(env), nil)
	if err != nil {
		t.Fatalf("list source servers: %v", err)
	}
	for _, s := range all {
		if drsapi.Hostname(s) == host {
			return s
		}
	}
	t.Fatalf("no source server with hostname %s in the demo estate", host)
	return drstypes.SourceServer{}
}

func serverIDByHostname(t *testing.T, env *acctest.Env, host string) string {
	t.Helper()
	return aws.ToString(serverByHostname(t, env, host).SourceServerID)
}

// throttle makes the estate answer percent% of DRS calls with
// ThrottlingException.
func throttle(t *testing.T, env *acctest.Env, percent int) {
	t.Helper()
	if err := env.Service.App.DRS.SetFaults(drssim.Estate{Region: env.Region}, drssim.Faults{ThrottlePercent: percent}); err != nil {
		t.Fatalf("set faults: %v", err)
	}
}

// startService starts a run service without the acceptance-test
// preconditions, for tests that only use the SDK.
func startService(t *testing.T) *runservicetest.Service {
	return runservicetest.Start(t, runservice.Config{})
}

// diagRE compiles an expected-error pattern whose spaces also match the
// line breaks Terraform puts into long diagnostics.
func diagRE(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}
