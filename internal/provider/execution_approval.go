package provider

import (
	"context"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// approvedWavesReason says where an approval by apply came from; the
// approver is the caller's identity.
const approvedWavesReason = "terraform apply: wave listed in approved_waves"

// approve resumes the pause gate before wave, recording the identity of
// the provider's credentials (STS GetCallerIdentity) as the approver.
func (r *executionResource) approve(ctx context.Context, e *executions.Execution, wave string) error {
	who, err := executions.CallerARN(ctx, r.data.clients.STS)
	if err != nil {
		return err
	}
	reason := r.approvalReason
	if reason == "" {
		reason = approvedWavesReason
	}
	return executions.ResumeWith(ctx, r.clients(), e, wave, executions.Approval{ApprovedBy: who, ApprovedAt: time.Now(), Reason: reason})
}
