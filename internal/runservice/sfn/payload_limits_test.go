package sfn_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

// A state whose output names one large value many times fails with
// States.DataLimitExceeded without being encoded (it would be ~400 MB).
func TestSharedLargeOutputFailsDataLimit(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	var fields strings.Builder
	for i := range 2000 {
		if i > 0 {
			fields.WriteByte(',')
		}
		fmt.Fprintf(&fields, `"f%d.$":"$.big"`, i)
	}
	sm := h.createStateMachine("copies", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{`+fields.String()+`},"End":true}}}`)
	exec := h.start(sm, "", `{"big":"`+strings.Repeat("x", 200*1024)+`"}`)
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusFailed)
	if aws.ToString(d.Error) != "States.DataLimitExceeded" {
		t.Fatalf("error %s (%s), want States.DataLimitExceeded", aws.ToString(d.Error), aws.ToString(d.Cause))
	}
}
