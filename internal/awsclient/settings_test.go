package awsclient

import (
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestWithEnvironmentFillsUnsetFields(t *testing.T) {
	env := envOf(map[string]string{
		EnvDefaultRegion:      "eu-west-1",
		EnvProfile:            "ops",
		EnvConfigFile:         "/cfg",
		EnvCredentialsFile:    "/creds",
		EnvRunServiceEndpoint: "http://127.0.0.1:8787",
	})
	got := Settings{}.WithEnvironment(env)
	if got.Region != "eu-west-1" || got.Profile != "ops" || got.RunServiceEndpoint != "http://127.0.0.1:8787" {
		t.Fatalf("environment not applied: %+v", got)
	}
	if len(got.SharedConfigFiles) != 1 || got.SharedConfigFiles[0] != "/cfg" ||
		len(got.SharedCredentialsFiles) != 1 || got.SharedCredentialsFiles[0] != "/creds" {
		t.Fatalf("shared files not applied: %+v", got)
	}
}

func TestWithEnvironmentPrefersAWSRegionOverDefaultRegion(t *testing.T) {
	got := Settings{}.WithEnvironment(envOf(map[string]string{EnvRegion: "us-west-2", EnvDefaultRegion: "eu-west-1"}))
	if got.Region != "us-west-2" {
		t.Fatalf("AWS_REGION must win over AWS_DEFAULT_REGION, got %q", got.Region)
	}
}

func TestExplicitSettingsWinOverEnvironment(t *testing.T) {
	s := Settings{Region: "ap-southeast-2", Profile: "explicit", RunServiceEndpoint: "http://localhost:1"}
	got := s.WithEnvironment(envOf(map[string]string{
		EnvRegion: "us-east-1", EnvProfile: "env", EnvRunServiceEndpoint: "http://localhost:2",
	}))
	if got.Region != "ap-southeast-2" || got.Profile != "explicit" || got.RunServiceEndpoint != "http://localhost:1" {
		t.Fatalf("explicit settings overwritten: %+v", got)
	}
}

func TestBlankEnvironmentValuesAreIgnored(t *testing.T) {
	got := Settings{}.WithEnvironment(envOf(map[string]string{EnvRegion: "  ", EnvDefaultRegion: "eu-north-1"}))
	if got.Region != "eu-north-1" {
		t.Fatalf("blank AWS_REGION should fall through, got %q", got.Region)
	}
}

func TestMaxAttemptsAndBackoffDefaults(t *testing.T) {
	if got := (Settings{}).maxAttempts(); got != DefaultMaxRetries+1 {
		t.Fatalf("default attempts = %d, want %d", got, DefaultMaxRetries+1)
	}
	zero := 0
	if got := (Settings{MaxRetries: &zero}).maxAttempts(); got != 1 {
		t.Fatalf("max_retries 0 must mean one attempt, got %d", got)
	}
	if got := (Settings{}).maxBackoff(); got != 20*time.Second {
		t.Fatalf("default max backoff = %v", got)
	}
}

func TestCredentialsConfigured(t *testing.T) {
	none := envOf(nil)
	if (Settings{}).credentialsConfigured(none) {
		t.Fatal("nothing configured should report false")
	}
	if !(Settings{Profile: "p"}).credentialsConfigured(none) {
		t.Fatal("a profile is configured credentials")
	}
	if !(Settings{}).credentialsConfigured(envOf(map[string]string{EnvAccessKeyID: "AKIA"})) {
		t.Fatal("AWS_ACCESS_KEY_ID is configured credentials")
	}
}

func TestValidateEndpointsNamesTheField(t *testing.T) {
	err := Settings{Endpoints: Endpoints{SFN: "localhost:8787"}}.validateEndpoints()
	if err == nil || !strings.Contains(err.Error(), "endpoints.sfn") {
		t.Fatalf("want an error naming endpoints.sfn, got %v", err)
	}
	if err := (Settings{RunServiceEndpoint: "http://127.0.0.1:8787"}).validateEndpoints(); err != nil {
		t.Fatalf("valid endpoint rejected: %v", err)
	}
}

func TestMaxAttemptsFromEnvironment(t *testing.T) {
	got := Settings{}.WithEnvironment(envOf(map[string]string{EnvMaxAttempts: "3"}))
	if got.maxAttempts() != 3 {
		t.Fatalf("AWS_MAX_ATTEMPTS=3 gave %d attempts", got.maxAttempts())
	}
	five := 5
	got = Settings{MaxRetries: &five}.WithEnvironment(envOf(map[string]string{EnvMaxAttempts: "3"}))
	if got.maxAttempts() != 6 {
		t.Fatalf("explicit max_retries must win, got %d attempts", got.maxAttempts())
	}
	got = Settings{}.WithEnvironment(envOf(map[string]string{EnvMaxAttempts: "lots"}))
	if got.maxAttempts() != DefaultMaxRetries+1 {
		t.Fatalf("a malformed AWS_MAX_ATTEMPTS should be ignored, got %d", got.maxAttempts())
	}
}
