package awsclient_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// isolate keeps the machine's own AWS environment and files out of a test.
func isolate(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", awsclient.EnvRunServiceEndpoint} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestNewFailsClearlyWithoutRegion(t *testing.T) {
	isolate(t)
	_, err := awsclient.New(context.Background(), awsclient.Settings{RunServiceEndpoint: "http://127.0.0.1:1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "no AWS region") || !strings.Contains(err.Error(), "AWS_REGION") {
		t.Fatalf("want a clear missing-region error, got %v", err)
	}
}

func TestNewFailsClearlyWithoutCredentials(t *testing.T) {
	isolate(t)
	_, err := awsclient.New(context.Background(), awsclient.Settings{Region: "us-east-1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "no valid AWS credentials") {
		t.Fatalf("want a clear missing-credentials error, got %v", err)
	}
}

func TestNewFailsClearlyForUnknownProfile(t *testing.T) {
	isolate(t)
	_, err := awsclient.New(context.Background(), awsclient.Settings{Region: "us-east-1", Profile: "nope"}, nil)
	if err == nil || !strings.Contains(err.Error(), `profile "nope"`) {
		t.Fatalf("want an error naming the profile, got %v", err)
	}
}

func TestNewReadsRegionAndKeysFromSharedFiles(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "cfg")
	credFile := filepath.Join(dir, "creds")
	os.WriteFile(cfgFile, []byte("[profile dr]\nregion = eu-central-1\n"), 0o600)
	os.WriteFile(credFile, []byte("[dr]\naws_access_key_id = AKIAFROMFILE\naws_secret_access_key = secret\n"), 0o600)
	c, err := awsclient.New(context.Background(), awsclient.Settings{
		Profile: "dr", SharedConfigFiles: []string{cfgFile}, SharedCredentialsFiles: []string{credFile},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "eu-central-1" {
		t.Fatalf("region from profile = %q", c.Region)
	}
	creds, _ := c.Config.Credentials.Retrieve(context.Background())
	if creds.AccessKeyID != "AKIAFROMFILE" {
		t.Fatalf("credentials from file = %q", creds.AccessKeyID)
	}
}

func TestRunServiceGetsStaticLocalCredentials(t *testing.T) {
	isolate(t)
	svc := runservicetest.Start(t, runservice.Config{})
	t.Setenv(awsclient.EnvRunServiceEndpoint, svc.URL)
	t.Setenv(awsclient.EnvRegion, "us-west-2")
	c, err := awsclient.New(context.Background(), awsclient.Settings{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "us-west-2" {
		t.Fatalf("region = %q", c.Region)
	}
	account, err := c.Account(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if account != "123456789012" {
		t.Fatalf("account = %q, want the run service's default account", account)
	}
	if other := c.ForRegion("eu-west-1"); other.Region != "eu-west-1" || other.DRS == c.DRS {
		t.Fatalf("ForRegion did not build new clients: %+v", other.Region)
	}
	first, second := c.ForRegion("eu-west-1"), c.ForRegion("eu-west-1")
	if first != second {
		t.Fatal("ForRegion should cache its clients")
	}
}

func TestAssumeRoleLandsInAnotherAccount(t *testing.T) {
	isolate(t)
	svc := runservicetest.Start(t, runservice.Config{})
	c, err := awsclient.New(context.Background(), awsclient.Settings{
		Region:             "us-east-1",
		RunServiceEndpoint: svc.URL,
		AssumeRole:         &awsclient.AssumeRole{RoleARN: "arn:aws:iam::210987654321:role/drsorch", SessionName: "test", ExternalID: "x"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	account, err := c.Account(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if account != "210987654321" {
		t.Fatalf("account after assume_role = %q", account)
	}
}

func TestAssumeRoleFailureNamesTheRole(t *testing.T) {
	isolate(t)
	svc := runservicetest.Start(t, runservice.Config{})
	zero := 0
	_, err := awsclient.New(context.Background(), awsclient.Settings{
		Region: "us-east-1", RunServiceEndpoint: svc.URL, MaxRetries: &zero,
		AssumeRole: &awsclient.AssumeRole{RoleARN: "not-an-arn"},
	}, nil)
	if err == nil || !strings.Contains(err.Error(), "assume role not-an-arn") {
		t.Fatalf("want an error naming the role, got %v", err)
	}
}

// One retry layer: AWS_MAX_ATTEMPTS must not wrap the tuned retryer again.
func TestEnvironmentDoesNotAddASecondRetryLayer(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	t.Setenv("AWS_RETRY_MODE", "adaptive")
	c, err := awsclient.New(context.Background(), awsclient.Settings{Region: "us-east-1", RunServiceEndpoint: "http://127.0.0.1:1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Config.RetryMaxAttempts != 0 || c.Config.RetryMode != "" {
		t.Fatalf("SDK retry settings left in place: attempts %d, mode %q", c.Config.RetryMaxAttempts, c.Config.RetryMode)
	}
	if got := c.Config.Retryer().MaxAttempts(); got != 2 {
		t.Fatalf("retryer allows %d attempts, want AWS_MAX_ATTEMPTS=2", got)
	}
}

func TestPricingEndpointRegion(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": "us-east-1", "eu-west-2": "us-east-1", "ap-southeast-2": "us-east-1",
		"cn-north-1": "cn-northwest-1", "us-gov-west-1": "", "us-iso-east-1": ""} {
		got, ok := awsclient.PricingEndpointRegion(region)
		if got != want || ok != (want != "") {
			t.Errorf("%s: got %q %v, want %q", region, got, ok, want)
		}
	}
}
