package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Default time limits of the recovery plan and protection group
// operations (their `timeouts` blocks).
const (
	recoveryPlanTimeout        = 10 * time.Minute
	recoveryPlanReadTimeout    = 5 * time.Minute
	protectionGroupTimeout     = 30 * time.Minute // tagging every member, throttled
	protectionGroupReadTimeout = 10 * time.Minute
)

// withTimeout bounds ctx by one operation's limit from a timeouts block
// (get is e.g. plan.Timeouts.Create), def when unset.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, ds := get(ctx, def)
	diags.Append(ds...)
	return context.WithTimeout(ctx, d)
}
