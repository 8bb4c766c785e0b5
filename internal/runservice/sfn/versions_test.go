package sfn_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

func TestVersions(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	created, err := h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("ver"), Definition: aws.String(fmt.Sprintf(versionedDef, 1)),
		RoleArn: aws.String(roleARN), Publish: true, VersionDescription: aws.String("first")})
	if err != nil {
		t.Fatal(err)
	}
	arn := *created.StateMachineArn
	v1 := aws.ToString(created.StateMachineVersionArn)
	if v1 != arn+":1" {
		t.Fatalf("version ARN = %q", v1)
	}
	_, err = h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("nover"), Definition: aws.String(passDef),
		RoleArn: aws.String(roleARN), VersionDescription: aws.String("no publish")})
	wantAPIError(t, err, "ValidationException")

	up, err := h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		Definition: aws.String(fmt.Sprintf(versionedDef, 2)), Publish: true, VersionDescription: aws.String("second")})
	if err != nil || aws.ToString(up.StateMachineVersionArn) != arn+":2" {
		t.Fatalf("update with publish = %+v, %v", up, err)
	}
	// Executions on a version ARN get that version, even inside the update window.
	ex, err := h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + ":2"), Name: aws.String("on-v2")})
	if err != nil {
		t.Fatal(err)
	}
	h.settle()
	d := h.describe(*ex.ExecutionArn)
	jsonEqual(t, *d.Output, `{"v":2}`)
	if *ex.ExecutionArn != "arn:aws:states:us-east-1:123456789012:execution:ver:on-v2" || *d.StateMachineArn != arn || aws.ToString(d.StateMachineVersionArn) != arn+":2" {
		t.Fatalf("execution %s: stateMachineArn %s version %s", *ex.ExecutionArn, *d.StateMachineArn, aws.ToString(d.StateMachineVersionArn))
	}
	fe, err := h.sfn.DescribeStateMachineForExecution(c, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: ex.ExecutionArn})
	if err != nil || *fe.StateMachineArn != arn+":2" || *fe.Definition != fmt.Sprintf(versionedDef, 2) {
		t.Fatalf("state machine for execution = %+v, %v", fe, err)
	}
	old := h.start(arn+":1", "on-v1", `{}`)
	jsonEqual(t, *h.describe(old).Output, `{"v":1}`)

	dv, err := h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v1)})
	if err != nil || *dv.StateMachineArn != v1 || aws.ToString(dv.Description) != "first" || *dv.Definition != fmt.Sprintf(versionedDef, 1) || *dv.Name != "ver" {
		t.Fatalf("describe version = %+v, %v", dv, err)
	}
	// Publishing without a change returns the latest version; a stale revision conflicts.
	same, err := h.sfn.PublishStateMachineVersion(c, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn)})
	if err != nil || *same.StateMachineVersionArn != arn+":2" {
		t.Fatalf("publish without change = %+v, %v", same, err)
	}
	_, err = h.sfn.PublishStateMachineVersion(c, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn), RevisionId: aws.String("stale")})
	wantAPIError(t, err, "ConflictException")
	if _, err := h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(fmt.Sprintf(versionedDef, 3))}); err != nil {
		t.Fatal(err)
	}
	v3, err := h.sfn.PublishStateMachineVersion(c, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn), Description: aws.String("third")})
	if err != nil || *v3.StateMachineVersionArn != arn+":3" {
		t.Fatalf("publish = %+v, %v", v3, err)
	}

	var listed []string
	var next *string
	for pages := 0; pages == 0 || next != nil; pages++ {
		page, err := h.sfn.ListStateMachineVersions(c, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn), MaxResults: 2, NextToken: next})
		if err != nil || pages > 2 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, v := range page.StateMachineVersions {
			listed = append(listed, *v.StateMachineVersionArn)
		}
		next = page.NextToken
	}
	if fmt.Sprint(listed) != fmt.Sprint([]string{arn + ":3", arn + ":2", arn + ":1"}) {
		t.Fatalf("versions = %v", listed)
	}
	if _, err := h.sfn.DeleteStateMachineVersion(c, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)}); err != nil {
		t.Fatal(err)
	}
	_, err = h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(v1)})
	wantAPIError(t, err, "StateMachineDoesNotExist")
	_, err = h.sfn.DeleteStateMachineVersion(c, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn)})
	wantAPIError(t, err, "InvalidArn")
	// Numbers are never reused.
	if _, err := h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(fmt.Sprintf(versionedDef, 4)), Publish: true}); err != nil {
		t.Fatal(err)
	}
	l, _ := h.sfn.ListStateMachineVersions(c, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn)})
	if len(l.StateMachineVersions) != 3 || *l.StateMachineVersions[0].StateMachineVersionArn != arn+":4" {
		t.Fatalf("versions after delete and publish = %+v", l.StateMachineVersions)
	}
	// Executions list by version.
	byVersion, err := h.sfn.ListExecutions(c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn + ":2")})
	if err != nil || len(byVersion.Executions) != 1 || aws.ToString(byVersion.Executions[0].StateMachineVersionArn) != arn+":2" {
		t.Fatalf("executions of version 2 = %+v, %v", byVersion, err)
	}
}

func TestAliases(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	created, err := h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("al"), Definition: aws.String(fmt.Sprintf(versionedDef, 1)),
		RoleArn: aws.String(roleARN), Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	arn, v1 := *created.StateMachineArn, *created.StateMachineVersionArn
	up, err := h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(fmt.Sprintf(versionedDef, 2)), Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	v2 := *up.StateMachineVersionArn
	route := func(arn string, w int32) types.RoutingConfigurationListItem {
		return types.RoutingConfigurationListItem{StateMachineVersionArn: aws.String(arn), Weight: w}
	}
	al, err := h.sfn.CreateStateMachineAlias(c, &sfn.CreateStateMachineAliasInput{Name: aws.String("PROD"), Description: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{route(v1, 100)}})
	if err != nil || *al.StateMachineAliasArn != arn+":PROD" {
		t.Fatalf("create alias = %+v, %v", al, err)
	}
	aliasARN := *al.StateMachineAliasArn
	for _, bad := range [][]types.RoutingConfigurationListItem{
		{route(v1, 50)}, {route(v1, 50), route(v2, 40)}, {route(v1, 50), route(v1, 50)}, {route(arn+":9", 100)},
	} {
		_, err := h.sfn.CreateStateMachineAlias(c, &sfn.CreateStateMachineAliasInput{Name: aws.String("bad"), RoutingConfiguration: bad})
		if err == nil {
			t.Fatalf("routing %+v accepted", bad)
		}
	}
	_, err = h.sfn.CreateStateMachineAlias(c, &sfn.CreateStateMachineAliasInput{Name: aws.String("123"), RoutingConfiguration: []types.RoutingConfigurationListItem{route(v1, 100)}})
	wantAPIError(t, err, "InvalidName")
	_, err = h.sfn.CreateStateMachineAlias(c, &sfn.CreateStateMachineAliasInput{Name: aws.String("PROD"), RoutingConfiguration: []types.RoutingConfigurationListItem{route(v2, 100)}})
	wantAPIError(t, err, "ConflictException")

	ex := h.start(aliasARN, "via-alias", `{}`)
	d := h.describe(ex)
	jsonEqual(t, *d.Output, `{"v":1}`)
	if aws.ToString(d.StateMachineAliasArn) != aliasARN || aws.ToString(d.StateMachineVersionArn) != v1 {
		t.Fatalf("alias %s version %s", aws.ToString(d.StateMachineAliasArn), aws.ToString(d.StateMachineVersionArn))
	}
	// A version an alias routes to cannot be deleted.
	_, err = h.sfn.DeleteStateMachineVersion(c, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)})
	wantAPIError(t, err, "ConflictException")

	if _, err := h.sfn.UpdateStateMachineAlias(c, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN),
		RoutingConfiguration: []types.RoutingConfigurationListItem{route(v1, 0), route(v2, 100)}}); err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, *h.describe(h.start(aliasARN, "via-alias-2", `{}`)).Output, `{"v":2}`)
	da, err := h.sfn.DescribeStateMachineAlias(c, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)})
	if err != nil || *da.Name != "PROD" || aws.ToString(da.Description) != "live" || len(da.RoutingConfiguration) != 2 || da.RoutingConfiguration[1].Weight != 100 || da.UpdateDate == nil {
		t.Fatalf("describe alias = %+v, %v", da, err)
	}
	if _, err := h.sfn.CreateStateMachineAlias(c, &sfn.CreateStateMachineAliasInput{Name: aws.String("canary"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{route(v2, 100)}}); err != nil {
		t.Fatal(err)
	}
	list, err := h.sfn.ListStateMachineAliases(c, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(arn)})
	if err != nil || len(list.StateMachineAliases) != 2 || *list.StateMachineAliases[0].StateMachineAliasArn != arn+":PROD" {
		t.Fatalf("aliases = %+v, %v", list, err)
	}
	byAlias, err := h.sfn.ListExecutions(c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(aliasARN)})
	if err != nil || len(byAlias.Executions) != 2 {
		t.Fatalf("executions through the alias = %+v, %v", byAlias, err)
	}
	if _, err := h.sfn.DeleteStateMachineAlias(c, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)}); err != nil {
		t.Fatal(err)
	}
	_, err = h.sfn.DescribeStateMachineAlias(c, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)})
	wantAPIError(t, err, "ResourceNotFound")
	_, err = h.sfn.DescribeStateMachineAlias(c, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(v1)})
	wantAPIError(t, err, "InvalidArn")
	// Deleting the state machine takes its versions and aliases.
	if _, err := h.sfn.DeleteStateMachine(c, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = h.sfn.DescribeStateMachineAlias(c, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(arn + ":canary")})
	wantAPIError(t, err, "ResourceNotFound")
	_, err = h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v2)})
	wantAPIError(t, err, "StateMachineDoesNotExist")
}
