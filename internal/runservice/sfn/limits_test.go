package sfn_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

// passWithComment is a valid definition of about n characters.
func passWithComment(n int) string {
	const tmpl = `{"Comment":"%s","StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	return fmt.Sprintf(tmpl, strings.Repeat("x", n-len(tmpl)+2))
}

func TestRequestAndDefinitionSizeLimits(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	// 1.5 MB: over the 1 MB request quota (and the 1,048,576-character definition).
	_, err := h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("huge"),
		Definition: aws.String(passWithComment(1_500_000)), RoleArn: aws.String(roleARN)})
	wantAPIError(t, err, "ValidationException")
	// The request counts whole, headers included: a definition that fits
	// 1 MiB alone does not fit a request.
	_, err = h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("edge"),
		Definition: aws.String(passWithComment(1<<20 - 10)), RoleArn: aws.String(roleARN)})
	wantAPIError(t, err, "ValidationException")
	// Under the limits it is accepted.
	arn := h.createStateMachine("big", passWithComment(1_000_000))
	_, err = h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		Definition: aws.String(passWithComment(1_200_000))})
	wantAPIError(t, err, "ValidationException")
	_, err = h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNameRules(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	arn := h.createStateMachine("names", passDef)
	for _, name := range []string{strings.Repeat("n", 81), "a b", "a<b", "a{b", "a[b", "a?b", "a*b", `a"b`, "a#b", "a%b",
		`a\b`, "a^b", "a|b", "a~b", "a`b", "a$b", "a&b", "a,b", "a;b", "a:b", "a/b", "a\u0007b", "a\u0085b", "a\tb", "a\u00a0b", "a\u2003b"} {
		_, err := h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(name)})
		wantAPIError(t, err, "InvalidName")
		_, err = h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(passDef), RoleArn: aws.String(roleARN)})
		wantAPIError(t, err, "InvalidName")
	}
	// An empty name is not "no name": AWS's length constraint (1-80) refuses it.
	_, err := h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("")})
	wantAPIError(t, err, "ValidationException")
	// Eighty characters, dots, dashes and non-ASCII letters are fine.
	h.start(arn, strings.Repeat("n", 80), `{}`)
	h.start(arn, "drill-2026.01.05_ü", `{}`)
	// State names longer than 80 characters are an invalid definition.
	long := strings.Repeat("s", 81)
	_, err = h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("long-state"), RoleArn: aws.String(roleARN),
		Definition: aws.String(`{"StartAt":"` + long + `","States":{"` + long + `":{"Type":"Succeed"}}}`)})
	wantAPIError(t, err, "InvalidDefinition")
}

func TestTaskResourceOfAnotherPartitionFailsAtRunTime(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	gov := sfn.NewFromConfig(h.svc.AWSConfig("us-gov-west-1"))
	def := func(partition string) string {
		return `{"StartAt":"Emit","States":{"Emit":{"Type":"Task","Resource":"arn:` + partition + `:states:::events:putEvents",
		"Parameters":{"Entries":[{"Source":"drsorch","DetailType":"t","Detail":{}}]},
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},"Caught":{"Type":"Pass","End":true}}}`
	}
	// AWS accepts the definition: the partition is checked when the state runs.
	out, err := gov.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("gov"), Definition: aws.String(def("aws")), RoleArn: aws.String("arn:aws-us-gov:iam::123456789012:role/x")})
	if err != nil {
		t.Fatal(err)
	}
	if got := *out.StateMachineArn; got != "arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:gov" {
		t.Fatalf("state machine ARN in us-gov-west-1 = %s", got)
	}
	ex, err := gov.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: out.StateMachineArn})
	if err != nil {
		t.Fatal(err)
	}
	h.settle()
	d, err := gov.DescribeExecution(c, &sfn.DescribeExecutionInput{ExecutionArn: ex.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	// States.Runtime: no Catch (not even States.ALL) handles it.
	wantStatus(t, d, types.ExecutionStatusFailed)
	if aws.ToString(d.Error) != "States.Runtime" || !strings.Contains(aws.ToString(d.Cause), "The resource belongs to a different partition from the running execution") ||
		!strings.Contains(aws.ToString(d.Cause), "'Emit' (entered at the event id #2)") {
		t.Fatalf("error %q cause %q", aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	// The partition's own resource ARN runs.
	ok, err := gov.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("gov-ok"), Definition: aws.String(def("aws-us-gov")), RoleArn: aws.String("arn:aws-us-gov:iam::123456789012:role/x")})
	if err != nil {
		t.Fatal(err)
	}
	ex, err = gov.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: ok.StateMachineArn})
	if err != nil {
		t.Fatal(err)
	}
	h.settle()
	d, _ = gov.DescribeExecution(c, &sfn.DescribeExecutionInput{ExecutionArn: ex.ExecutionArn})
	if strings.Contains(aws.ToString(d.Cause), "partition") {
		t.Fatalf("same-partition resource failed: %q", aws.ToString(d.Cause))
	}
}

const versionedDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"v":%d},"End":true}}}`

func TestUpdateReadAfterWriteWindow(t *testing.T) {
	h := newHarness(t, runservice.Config{}) // the default window
	c := ctx(t)
	arn := h.createStateMachine("raw", fmt.Sprintf(versionedDef, 1))
	newRole := "arn:aws:iam::123456789012:role/drsorch-new"
	if _, err := h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		Definition: aws.String(fmt.Sprintf(versionedDef, 2)), RoleArn: aws.String(newRole)}); err != nil {
		t.Fatal(err)
	}
	// Describe shows the update at once...
	d, _ := h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if *d.Definition != fmt.Sprintf(versionedDef, 2) {
		t.Fatalf("describe after update = %s", *d.Definition)
	}
	// ...but an execution started at once gets the previous definition and role.
	early := h.start(arn, "early", `{}`)
	jsonEqual(t, *h.describe(early).Output, `{"v":1}`)
	fe, err := h.sfn.DescribeStateMachineForExecution(c, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(early)})
	if err != nil || *fe.RoleArn != roleARN || *fe.Definition != fmt.Sprintf(versionedDef, 1) {
		t.Fatalf("state machine for early execution = %+v, %v", fe, err)
	}
	h.advance(9 * time.Second)
	jsonEqual(t, *h.describe(h.start(arn, "still-early", `{}`)).Output, `{"v":1}`)
	h.advance(time.Second) // the window is 10 simulated seconds
	jsonEqual(t, *h.describe(h.start(arn, "later", `{}`)).Output, `{"v":2}`)

	// Configurable through /_sim/sfn/consistency (0: off).
	resp, err := http.Post(h.svc.URL+"/_sim/sfn/consistency", "application/json", bytes.NewReader([]byte(`{"windowSeconds":0}`)))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_sim/sfn/consistency = %v, %v", resp, err)
	}
	resp.Body.Close()
	if _, err := h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		Definition: aws.String(fmt.Sprintf(versionedDef, 3))}); err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, *h.describe(h.start(arn, "no-window", `{}`)).Output, `{"v":3}`)

	// And through the Config.
	h2 := newHarness(t, runservice.Config{SFNUpdateWindow: time.Minute})
	arn2 := h2.createStateMachine("raw", fmt.Sprintf(versionedDef, 1))
	if _, err := h2.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn2),
		Definition: aws.String(fmt.Sprintf(versionedDef, 2))}); err != nil {
		t.Fatal(err)
	}
	h2.advance(59 * time.Second)
	jsonEqual(t, *h2.describe(h2.start(arn2, "a", `{}`)).Output, `{"v":1}`)
	h2.advance(time.Second)
	jsonEqual(t, *h2.describe(h2.start(arn2, "b", `{}`)).Output, `{"v":2}`)
}

func TestClosedExecutionsAreKept90Days(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	arn := h.createStateMachine("kept", passDef)
	old := h.start(arn, "old", `{}`)
	wantStatus(t, h.describe(old), types.ExecutionStatusSucceeded)
	h.advance(89 * 24 * time.Hour)
	recent := h.start(arn, "recent", `{}`)
	if len(h.history(old)) == 0 {
		t.Fatal("no history at 89 days")
	}
	h.advance(24*time.Hour + time.Second)
	_, err := h.sfn.DescribeExecution(c, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(old)})
	wantAPIError(t, err, "ExecutionDoesNotExist")
	_, err = h.sfn.GetExecutionHistory(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(old)})
	wantAPIError(t, err, "ExecutionDoesNotExist")
	_, err = h.sfn.DescribeStateMachineForExecution(c, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(old)})
	wantAPIError(t, err, "ExecutionDoesNotExist")
	list, err := h.sfn.ListExecutions(c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn)})
	if err != nil || len(list.Executions) != 1 || *list.Executions[0].ExecutionArn != recent {
		t.Fatalf("executions after 90 days = %+v, %v", list, err)
	}
	// The name is free again.
	if again := h.start(arn, "old", `{"second":true}`); again != old {
		t.Fatalf("restarted %s", again)
	}
	// A running execution is never purged, however old.
	waitDef := `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":31000000,"End":true}}}`
	long := h.start(h.createStateMachine("long", waitDef), "long", `{}`)
	h.advance(100 * 24 * time.Hour)
	wantStatus(t, h.describe(long), types.ExecutionStatusRunning)
}

func TestPageTokensAreOpaqueAndSurviveDeletions(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	var arns []string
	for i := 0; i < 5; i++ {
		arns = append(arns, h.createStateMachine(fmt.Sprintf("pt-%d", i), passDef))
	}
	page, err := h.sfn.ListStateMachines(c, &sfn.ListStateMachinesInput{MaxResults: 2})
	if err != nil || len(page.StateMachines) != 2 || page.NextToken == nil {
		t.Fatalf("first page = %+v, %v", page, err)
	}
	// Deleting an item already listed must not make the next page skip one.
	if _, err := h.sfn.DeleteStateMachine(c, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arns[0])}); err != nil {
		t.Fatal(err)
	}
	next, err := h.sfn.ListStateMachines(c, &sfn.ListStateMachinesInput{MaxResults: 2, NextToken: page.NextToken})
	if err != nil || len(next.StateMachines) != 2 || *next.StateMachines[0].Name != "pt-2" || *next.StateMachines[1].Name != "pt-3" {
		t.Fatalf("page after a deletion = %+v, %v", next, err)
	}
	// A token belongs to its list, and to no other.
	_, err = h.sfn.ListExecutions(c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arns[1]), NextToken: page.NextToken})
	wantAPIError(t, err, "InvalidToken")
	var tok []byte
	tok = append(tok, *page.NextToken...)
	tok[len(tok)-1] ^= 1
	_, err = h.sfn.ListStateMachines(c, &sfn.ListStateMachinesInput{NextToken: aws.String(string(tok))})
	wantAPIError(t, err, "InvalidToken")
	// Tokens expire after 24 hours.
	h.advance(24*time.Hour + time.Minute)
	_, err = h.sfn.ListStateMachines(c, &sfn.ListStateMachinesInput{MaxResults: 2, NextToken: page.NextToken})
	wantAPIError(t, err, "InvalidToken")

	// History pages: a token of one execution is refused for another.
	a, b := h.start(arns[1], "a", `{}`), h.start(arns[1], "b", `{}`)
	hp, err := h.sfn.GetExecutionHistory(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(a), MaxResults: 1})
	if err != nil || hp.NextToken == nil {
		t.Fatalf("history page = %+v, %v", hp, err)
	}
	_, err = h.sfn.GetExecutionHistory(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(b), MaxResults: 1, NextToken: hp.NextToken})
	wantAPIError(t, err, "InvalidToken")
	raw, _ := json.Marshal(hp.NextToken)
	if strings.Contains(string(raw), "p1") {
		t.Fatalf("token %s looks like an offset", raw)
	}
}
