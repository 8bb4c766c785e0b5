package ui_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// The execution page says which version of the plan ran, or that the run
// started on the unqualified state machine.
func TestExecutionPageShowsThePlanVersion(t *testing.T) {
	f := deploy(t)
	unversioned := f.startDrill(t, false)
	cancelRun(t, f, unversioned)
	p := f.get(t, execPath(unversioned))
	if p.status != http.StatusOK {
		t.Fatalf("status %d: %s", p.status, p.body)
	}
	p.mustContain(t, `id="plan-version">— (started on the unqualified state machine)`)

	pub, err := f.clients.SFN.PublishStateMachineVersion(context.Background(), &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(f.planARN)})
	if err != nil {
		t.Fatal(err)
	}
	versioned := f.startDrill(t, false)
	p = f.get(t, execPath(versioned))
	p.mustContain(t, `id="plan-version"><code>`+aws.ToString(pub.StateMachineVersionArn)+`</code>`)
}
