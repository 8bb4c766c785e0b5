package drssim_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

func TestCrossAccountThroughAssumeRole(t *testing.T) {
	svc := start(t, nil)
	cfg := awsConfig(svc, "us-east-1")
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg),
		"arn:aws:iam::"+drssim.AssumeRoleDemoAccount+":role/drsorch-dr"))
	servers, _ := allServers(t, drs.NewFromConfig(cfg), 0)
	if len(servers) != 3 {
		t.Fatalf("%d servers in the assumed account, want 3", len(servers))
	}
	s := serverByHost(t, servers, "billing-db-1")
	if want := "arn:aws:drs:us-east-1:" + drssim.AssumeRoleDemoAccount + ":source-server/" + aws.ToString(s.SourceServerID); aws.ToString(s.Arn) != want {
		t.Fatalf("arn %s, want %s", aws.ToString(s.Arn), want)
	}
	// The default account still sees its own estate.
	own, _ := allServers(t, drsClient(svc, "us-east-1"), 0)
	if len(own) != 12 {
		t.Fatalf("default account: %d servers", len(own))
	}
}

func TestAWSCLISmoke(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not on PATH")
	}
	svc := start(t, nil)
	cmd := exec.Command("aws", "drs", "describe-source-servers", "--endpoint-url", svc.URL, "--region", "us-east-1", "--output", "json")
	cmd.Env = cliEnv()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws drs describe-source-servers: %v\n%s", err, stderr(err))
	}
	var resp struct {
		Items []struct {
			SourceServerID string `json:"sourceServerID"`
			Tags           map[string]string
		} `json:"items"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("CLI output: %v\n%s", err, out)
	}
	if len(resp.Items) != 12 {
		t.Fatalf("CLI saw %d servers, want 12", len(resp.Items))
	}

	// An error comes back as the modelled exception.
	cmd = exec.Command("aws", "drs", "get-launch-configuration", "--source-server-id", "s-00000000000000000", "--endpoint-url", svc.URL, "--region", "us-east-1")
	cmd.Env = cliEnv()
	_, err = cmd.Output()
	if msg := stderr(err); !strings.Contains(msg, "ResourceNotFoundException") {
		t.Fatalf("CLI error %v: %s", err, msg)
	}
}

func stderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// cliEnv is the environment without the caller's AWS settings, plus the
// run service's static credentials.
func cliEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_ACCESS_KEY_ID="+runservicetest.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+runservicetest.SecretAccessKey,
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_PAGER=")
}
