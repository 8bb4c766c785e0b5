package awsforward_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	smithy "github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awsforward"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// With --drs aws the run service serves no EC2 and forwards none of it:
// ModifyLaunchTemplate or CreateLaunchTemplateVersion signed with the
// operator's credentials would change real launch templates. The calls
// are refused in EC2's error shape and never reach AWS (nor STS, which
// shares the form-post wire).
func TestEC2IsNotForwarded(t *testing.T) {
	if _, ok := awsforward.Allowed["ec2"]; ok {
		t.Fatal("the forwarding allowlist names EC2 operations; they must be reviewed one by one")
	}
	remote := startCountingAWS(t)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": remote.url, "AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": awsSecret, "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": t.TempDir() + "/none", "AWS_SHARED_CREDENTIALS_FILE": t.TempDir() + "/none",
	} {
		t.Setenv(k, v)
	}
	local := runservicetest.Start(t, runservice.Config{DRSMode: runservice.DRSAWS, Credentials: runservicetest.Keys()})
	c := ec2.NewFromConfig(local.AWSConfig("us-east-1"))
	ctx := context.Background()
	_, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String("lt-0123456789abcdef0"), DefaultVersion: aws.String("1")})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "UnknownOperationException" {
		t.Fatalf("ModifyLaunchTemplate: %v, want a refusal", err)
	}
	if _, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{}); err == nil {
		t.Fatal("DescribeSubnets was answered")
	}
	remote.mu.Lock()
	defer remote.mu.Unlock()
	if len(remote.calls) != 0 {
		t.Fatalf("EC2 calls reached AWS: %v", remote.calls)
	}
}
