package drssim_test

import (
	"errors"
	"strings"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// An opt-in region the account has not enabled refuses every API of that
// account as AWS refuses unknown credentials, in each protocol's words;
// the account's enabled regions and other accounts in that region work.
func TestDisabledOptInRegionRefusesEveryAPI(t *testing.T) {
	svc := start(t, &drssim.Inventory{
		Estates:         []drssim.EstateSpec{{Region: "af-south-1", Servers: []drssim.ServerSpec{{Hostname: "cpt-1"}}}},
		DisabledRegions: []drssim.DisabledRegionsSpec{{Regions: []string{"me-south-1"}}},
	})
	refused := func(t *testing.T, err error, code string, status int) {
		t.Helper()
		var ae smithy.APIError
		var re *awshttp.ResponseError
		if !errors.As(err, &ae) || ae.ErrorCode() != code || !errors.As(err, &re) || re.HTTPStatusCode() != status {
			t.Fatalf("got %v, want %s (HTTP %d)", err, code, status)
		}
		if !strings.Contains(ae.ErrorMessage(), "The security token included in the request is invalid") {
			t.Fatalf("message %q is not AWS's", ae.ErrorMessage())
		}
	}
	cfg := awsConfig(svc, "me-south-1")

	_, err := drs.NewFromConfig(cfg).DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	refused(t, err, "UnrecognizedClientException", 403) // restJson1
	_, err = sfn.NewFromConfig(cfg).ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	refused(t, err, "UnrecognizedClientException", 400) // awsJson1.0
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	refused(t, err, "InvalidClientTokenId", 403) // awsQuery
	_, err = ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	refused(t, err, "AuthFailure", 401) // ec2

	// The account's enabled opt-in region answers.
	out, err := drs.NewFromConfig(awsConfig(svc, "af-south-1")).DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	if err != nil || len(out.Items) != 1 {
		t.Fatalf("af-south-1: %v, %d servers", err, len(out.Items))
	}
	// Another account (its key names it) has me-south-1 enabled.
	other := cfg.Copy()
	other.Credentials = credentials.NewStaticCredentialsProvider(awswire.SessionAccessKey("210987654321", "AB12"), "secret", "")
	if _, err := drs.NewFromConfig(other).DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{}); err != nil {
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "UninitializedAccountException" {
			t.Fatalf("account 210987654321 in me-south-1: %v", err)
		}
	}
}

func TestDisabledRegionsAreChecked(t *testing.T) {
	for name, tc := range map[string]struct{ inv, want string }{
		"region enabled by default": {`{"estates":[{"region":"us-east-1"}],"disabledRegions":[{"regions":["eu-west-1"]}]}`,
			`field disabledRegions[0].regions[0]: "eu-west-1" is not an opt-in DRS region`},
		"no regions": {`{"estates":[{"region":"us-east-1"}],"disabledRegions":[{"account":"210987654321"}]}`,
			`field disabledRegions[0].regions: list at least one opt-in region (af-south-1, ap-east-1`},
		"account twice": {`{"estates":[{"region":"us-east-1"}],"disabledRegions":[{"regions":["me-south-1"]},{"account":"123456789012","regions":["ap-east-1"]}]}`,
			`field disabledRegions[1].account: account 123456789012 is listed twice`},
		"estate in a disabled region": {`{"estates":[{"region":"me-south-1"}],"disabledRegions":[{"regions":["me-south-1"]}]}`,
			`field estates[0]: account 123456789012 has not enabled me-south-1 (disabledRegions[0].regions[0])`},
		"bad account": {`{"estates":[{"region":"us-east-1"}],"disabledRegions":[{"account":"12","regions":["me-south-1"]}]}`,
			`field disabledRegions[0].account: "12" is not a 12-digit AWS account ID`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := drssim.ParseInventory([]byte(tc.inv))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	inv, err := drssim.ParseInventory([]byte(`{"estates":[{"region":"us-east-1"}],"disabledRegions":[{"regions":["me-south-1","ap-east-1"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := inv.DisabledByAccount(); len(got) != 1 || strings.Join(got[awswire.DefaultAccount], ",") != "me-south-1,ap-east-1" {
		t.Fatalf("disabled regions %v", got)
	}
}
