package drssim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/smithy-go"
)

// Tag keys longer than 128 characters (1 MB once went through) and values
// longer than 256 are refused, in TagResource and UntagResource alike, and
// the error does not echo the whole key back.
func TestTagLengthLimits(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	servers, _ := allServers(t, c, 0)
	arn := serverByHost(t, servers, "shop-db-1").Arn
	huge := strings.Repeat("k", 1<<20)
	for name, call := range map[string]func() error{
		"TagResource key of 129": func() error {
			_, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{strings.Repeat("k", 129): "v"}})
			return err
		},
		"TagResource key of 1 MB": func() error {
			_, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{huge: "v"}})
			return err
		},
		"TagResource value of 257": func() error {
			_, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"k": strings.Repeat("v", 257)}})
			return err
		},
		"UntagResource key of 1 MB": func() error {
			_, err := c.UntagResource(ctx, &drs.UntagResourceInput{ResourceArn: arn, TagKeys: []string{huge}})
			return err
		},
	} {
		err := call()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
			t.Errorf("%s: err = %v, want ValidationException", name, err)
			continue
		}
		if len(ae.ErrorMessage()) > 2000 {
			t.Errorf("%s: the error message is %d bytes long", name, len(ae.ErrorMessage()))
		}
	}
	if _, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{strings.Repeat("k", 128): strings.Repeat("v", 256)}}); err != nil {
		t.Fatalf("a 128-character key with a 256-character value: %v", err)
	}
}
