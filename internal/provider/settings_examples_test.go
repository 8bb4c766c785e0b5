package provider

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

// settingsExample reads an example as published, without its terraform
// and empty provider blocks (the test supplies the provider).
func settingsExample(t *testing.T, parts ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{"..", "..", "examples"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	src := regexp.MustCompile(`(?s)terraform \{.*?\n\}\n`).ReplaceAllString(string(data), "")
	return regexp.MustCompile(`provider "drsorch" \{\}\n`).ReplaceAllString(src, "")
}

// The published examples of the settings resources apply, and plan clean
// afterwards, against the demo estate.
func TestAccSettingsExamplesApply(t *testing.T) {
	for _, name := range []string{"drsorch_launch_settings", "drsorch_replication_settings", "drsorch_source_server_tags", "drsorch_launch_configuration_template", "drsorch_launch_action"} {
		t.Run(name, func(t *testing.T) {
			env := acctest.Start(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config: env.ProviderConfig() + settingsExample(t, "resources", name, "resource.tf"),
				}},
			})
		})
	}
}

// The for_each example runs as published, through the terraform CLI (the
// acceptance harness cannot read for_each state): it configures every
// "shop" server, plans clean afterwards and restores the defaults.
func TestAccSettingsForEachExample(t *testing.T) {
	env := acctest.Start(t)
	t.Setenv("DRSORCH_RUN_SERVICE_ENDPOINT", env.Service.URL)
	t.Setenv("AWS_REGION", env.Region)
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "settings-for-each", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	tf := newTerraformCLI(t, map[string]string{"main.tf": string(src)})
	tf.must("apply", "-auto-approve", "-input=false", "-no-color")

	db := serverIDByHostname(t, env, "shop-db-1")
	lc, err := getLaunch(env, db)
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(lc.CopyTags) || !aws.ToBool(lc.CopyPrivateIp) {
		t.Fatalf("shop-db-1 launch settings after apply: %s", launchSummary(lc))
	}
	rc, err := getReplication(env, db)
	if err != nil {
		t.Fatal(err)
	}
	if rc.StagingAreaTags["server"] != "shop-db-1" || len(rc.PitPolicy) != 3 || aws.ToInt32(rc.PitPolicy[2].RetentionDuration) != 14 {
		t.Fatalf("shop-db-1 replication settings after apply: %s", replicationSummary(rc))
	}
	other, err := getLaunch(env, serverIDByHostname(t, env, "files-1"))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToBool(other.CopyTags) {
		t.Fatalf("files-1 is not selected but was changed: %s", launchSummary(other))
	}
	if !tf.planIsEmpty() {
		t.Fatal("the second plan is not empty")
	}
	tf.must("destroy", "-auto-approve", "-input=false", "-no-color")
	if lc, err = getLaunch(env, db); err != nil {
		t.Fatal(err)
	}
	if aws.ToBool(lc.CopyTags) {
		t.Fatalf("destroy did not restore shop-db-1's launch defaults: %s", launchSummary(lc))
	}
}
