package provider

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// Helpers of the settings resources' acceptance tests: an SDK client on
// the test's run service, to look servers up and to change DRS behind
// Terraform's back.

func settingsDRS(env *acctest.Env) *drs.Client {
	return drs.NewFromConfig(env.Service.AWSConfig(env.Region))
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
