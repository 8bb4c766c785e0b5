package sfn_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

// Step Functions tags follow the model: keys of 1 to 128 characters, values
// of up to 256, made of letters, digits, white space and _ . : / = + - @.
func TestStateMachineTagLimits(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	def := `{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`
	sm := h.createStateMachine("tagged", def)
	tag := func(k, v string) []types.Tag { return []types.Tag{{Key: aws.String(k), Value: aws.String(v)}} }
	bad := map[string][]types.Tag{
		"a 129-character key":   tag(strings.Repeat("k", 129), "v"),
		"a 1 MB key":            tag(strings.Repeat("k", 1<<20), "v"),
		"a 257-character value": tag("k", strings.Repeat("v", 257)),
		"an empty key":          tag("", "v"),
		"a key with #":          tag("a#b", "v"),
		"a value with a quote":  tag("k", `"`),
		"an aws: key":           tag("aws:cloudformation:stack-name", "v"),
		"an AWS: key":           tag("AWS:x", "v"),
	}
	for name, tags := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := h.sfn.TagResource(ctx(t), &awssfn.TagResourceInput{ResourceArn: aws.String(sm), Tags: tags})
			wantAPIError(t, err, "ValidationException")
			_, err = h.sfn.CreateStateMachine(ctx(t), &awssfn.CreateStateMachineInput{Name: aws.String("other"),
				Definition: aws.String(def), RoleArn: aws.String(roleARN), Tags: tags})
			wantAPIError(t, err, "ValidationException")
		})
	}
	_, err := h.sfn.UntagResource(ctx(t), &awssfn.UntagResourceInput{ResourceArn: aws.String(sm), TagKeys: []string{strings.Repeat("k", 129)}})
	wantAPIError(t, err, "ValidationException")
	_, err = h.sfn.UntagResource(ctx(t), &awssfn.UntagResourceInput{ResourceArn: aws.String(sm), TagKeys: []string{"aws:x"}})
	wantAPIError(t, err, "ValidationException")

	good := tag(strings.Repeat("k", 127)+"é", "drsorch:plan=a/b c+d-e@f_g."+strings.Repeat("v", 229))
	if _, err := h.sfn.TagResource(ctx(t), &awssfn.TagResourceInput{ResourceArn: aws.String(sm), Tags: good}); err != nil {
		t.Fatalf("tags at the limits: %v", err)
	}
	out, err := h.sfn.ListTagsForResource(ctx(t), &awssfn.ListTagsForResourceInput{ResourceArn: aws.String(sm)})
	if err != nil || len(out.Tags) != 1 {
		t.Fatalf("tags = %+v, %v", out, err)
	}
}
