package sfn_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

const passDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"ResultPath":"$.r","End":true}}}`

func TestStateMachineLifecycle(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	arn := h.createStateMachine("plan-a", passDef)
	if arn != "arn:aws:states:us-east-1:123456789012:stateMachine:plan-a" {
		t.Fatalf("arn = %s", arn)
	}
	// The same request again is idempotent; a different one conflicts.
	again, err := h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("plan-a"),
		Definition: aws.String(passDef), RoleArn: aws.String(roleARN)})
	if err != nil || *again.StateMachineArn != arn {
		t.Fatalf("idempotent create = %v, %v", again, err)
	}
	_, err = h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("plan-a"),
		Definition: aws.String(`{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}`), RoleArn: aws.String(roleARN)})
	wantAPIError(t, err, "StateMachineAlreadyExists")

	_, err = h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("fast"), Type: types.StateMachineTypeExpress,
		Definition: aws.String(passDef), RoleArn: aws.String(roleARN)})
	wantAPIError(t, err, "StateMachineTypeNotSupported")
	_, err = h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("bad"),
		Definition: aws.String(`{"StartAt":"Nope","States":{}}`), RoleArn: aws.String(roleARN)})
	wantAPIError(t, err, "InvalidDefinition")
	_, err = h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("bad name"),
		Definition: aws.String(passDef), RoleArn: aws.String(roleARN)})
	wantAPIError(t, err, "InvalidName")

	d, err := h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil || *d.Definition != passDef || d.Status != types.StateMachineStatusActive || d.Type != types.StateMachineTypeStandard || *d.RoleArn != roleARN {
		t.Fatalf("describe = %+v, %v", d, err)
	}
	_, err = h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + "x")})
	wantAPIError(t, err, "StateMachineDoesNotExist")
	_, err = h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("not-an-arn")})
	wantAPIError(t, err, "InvalidArn")

	newDef := `{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}`
	up, err := h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(newDef)})
	if err != nil || up.UpdateDate == nil || up.RevisionId == nil {
		t.Fatalf("update = %+v, %v", up, err)
	}
	_, err = h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn)})
	wantAPIError(t, err, "MissingRequiredParameter")
	_, err = h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(`{}`)})
	wantAPIError(t, err, "InvalidDefinition")
	d, _ = h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if *d.Definition != newDef {
		t.Fatalf("definition after update = %s", *d.Definition)
	}

	// Tags.
	if _, err := h.sfn.TagResource(c, &sfn.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("dr")}, {Key: aws.String("env"), Value: aws.String("test")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sfn.UntagResource(c, &sfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := h.sfn.ListTagsForResource(c, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Key != "team" || *tags.Tags[0].Value != "dr" {
		t.Fatalf("tags = %+v, %v", tags, err)
	}
	_, err = h.sfn.ListTagsForResource(c, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn + "-gone")})
	wantAPIError(t, err, "ResourceNotFound")
	many := make([]types.Tag, 51)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
	}
	_, err = h.sfn.TagResource(c, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
	wantAPIError(t, err, "TooManyTags")

	// Listing pages.
	for i := 0; i < 4; i++ {
		h.createStateMachine(fmt.Sprintf("plan-%d", i), passDef)
	}
	var names []string
	p := sfn.NewListStateMachinesPaginator(h.sfn, &sfn.ListStateMachinesInput{MaxResults: 2})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(c)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, sm := range page.StateMachines {
			names = append(names, *sm.Name)
		}
	}
	if len(names) != 5 || pages != 3 {
		t.Fatalf("listed %v in %d pages, want 5 in 3", names, pages)
	}
	_, err = h.sfn.ListStateMachines(c, &sfn.ListStateMachinesInput{NextToken: aws.String("garbage!")})
	wantAPIError(t, err, "InvalidToken")

	// Delete without executions removes it.
	if _, err := h.sfn.DeleteStateMachine(c, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	wantAPIError(t, err, "StateMachineDoesNotExist")
}

func TestValidateStateMachineDefinition(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	ok, err := h.sfn.ValidateStateMachineDefinition(c, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(passDef)})
	if err != nil || ok.Result != types.ValidateStateMachineDefinitionResultCodeOk || len(ok.Diagnostics) != 0 {
		t.Fatalf("valid definition: %+v, %v", ok, err)
	}
	bad, err := h.sfn.ValidateStateMachineDefinition(c, &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Missing"}}}`)})
	if err != nil || bad.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(bad.Diagnostics) == 0 {
		t.Fatalf("invalid definition: %+v, %v", bad, err)
	}
	if d := bad.Diagnostics[0]; d.Severity != types.ValidateStateMachineDefinitionSeverityError || aws.ToString(d.Code) == "" || aws.ToString(d.Message) == "" {
		t.Fatalf("diagnostic = %+v", d)
	}
	unsupported, err := h.sfn.ValidateStateMachineDefinition(c, &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}`)})
	if err != nil || unsupported.Result != types.ValidateStateMachineDefinitionResultCodeFail {
		t.Fatalf("unsupported resource: %+v, %v", unsupported, err)
	}
}
