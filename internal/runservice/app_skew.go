package runservice

import (
	"math"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
)

// exportClockSkew publishes on /metrics how far DRS's clock is ahead of the
// engine's (negative: behind), measured from the creation time of the last
// job DRS created for the engine (NaN before the first). The engine also
// logs a warning past sfn.SkewWarning.
func (a *App) exportClockSkew(svc *sfn.Service) {
	a.Router.metrics.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "drsorch_drs_clock_skew_seconds",
		Help: "DRS's clock minus the run service's clock, measured from the last DRS job the engine created (NaN before the first).",
	}, func() float64 {
		skew, ok := svc.Engine().DRSClockSkew()
		if !ok {
			return math.NaN()
		}
		return skew.Seconds()
	}))
}
