package chaos_test

import (
	"fmt"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

// applyDRSSkew sets DRS's clock skew relative to the orchestrator.
func applyDRSSkew(app *runservice.App, skew time.Duration) error {
	if skew == 0 {
		return nil
	}
	return fmt.Errorf("DRS clock skew of %s: not supported by the simulator yet", skew)
}
