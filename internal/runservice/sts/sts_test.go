package sts_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sts"
)

func TestAssumeRoleLandsInTargetAccount(t *testing.T) {
	router := runservice.NewRouter()
	router.HandleQuery(sts.New())
	srv := httptest.NewServer(router)
	defer srv.Close()

	base := aws.Config{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIALOCAL", "secret", ""),
		BaseEndpoint: aws.String(srv.URL),
	}
	ctx := context.Background()
	client := awssts.NewFromConfig(base)
	me, err := client.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(me.Account) != awswire.DefaultAccount {
		t.Fatalf("default account = %q", aws.ToString(me.Account))
	}

	assumed := base.Copy()
	assumed.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, "arn:aws:iam::210987654321:role/dr-admin",
		func(o *stscreds.AssumeRoleOptions) { o.ExternalID = aws.String("x"); o.RoleSessionName = "drill" }))
	other, err := awssts.NewFromConfig(assumed).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(other.Account) != "210987654321" {
		t.Fatalf("assumed account = %q", aws.ToString(other.Account))
	}
	if !strings.Contains(aws.ToString(other.Arn), "assumed-role/dr-admin/drill") {
		t.Fatalf("assumed arn = %q", aws.ToString(other.Arn))
	}

	_, err = client.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("not-an-arn"), RoleSessionName: aws.String("s1")})
	if err == nil || !strings.Contains(err.Error(), "ValidationError") || !strings.Contains(err.Error(), "RoleArn") {
		t.Fatalf("bad role arn: %v", err)
	}
}

// In GovCloud, identities are ARNs of the aws-us-gov partition.
func TestIdentitiesInGovCloudAreOfItsPartition(t *testing.T) {
	router := runservice.NewRouter()
	router.HandleQuery(sts.New())
	srv := httptest.NewServer(router)
	defer srv.Close()
	base := aws.Config{
		Region:       "us-gov-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIALOCAL", "secret", ""),
		BaseEndpoint: aws.String(srv.URL),
	}
	ctx := context.Background()
	client := awssts.NewFromConfig(base)
	me, err := client.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || !strings.HasPrefix(aws.ToString(me.Arn), "arn:aws-us-gov:iam::") {
		t.Fatalf("caller in us-gov-west-1 = %v, %v", aws.ToString(me.Arn), err)
	}
	out, err := client.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws-us-gov:iam::210987654321:role/dr-admin"), RoleSessionName: aws.String("drill")})
	if err != nil || aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws-us-gov:sts::210987654321:assumed-role/dr-admin/drill" {
		t.Fatalf("assumed = %+v, %v", out, err)
	}
}
