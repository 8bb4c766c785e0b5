package drssim

import (
	"fmt"
	"time"
)

// DRS's clock and the orchestrator's clock are separate machines' clocks.
// The simulator can run its DRS on a clock that is offset from the run
// service's clock (the orchestrator's) so tests can prove that nothing in
// drsorch assumes the two agree: every time DRS stamps (job creation, log
// items, snapshots) and every date filter it applies is on DRS's clock.

// maxClockOffset bounds an injected offset.
const maxClockOffset = 7 * 24 * time.Hour

// now is DRS's notion of the present: the shared clock plus the offset.
func (s *Simulator) now() time.Time {
	return s.clock.Now().Add(time.Duration(s.offset.Load()))
}

// ClockOffset is how far DRS's clock is ahead of the run service's clock
// (negative: behind).
func (s *Simulator) ClockOffset() time.Duration { return time.Duration(s.offset.Load()) }

// SetClockOffset puts DRS's clock d ahead of the run service's clock
// (negative: behind). It is kept in memory only: an inventory's
// drsClockOffset sets it again on every start.
func (s *Simulator) SetClockOffset(d time.Duration) error {
	if d > maxClockOffset || d < -maxClockOffset {
		return fmt.Errorf("clock offset %s must be within ±%s", d, maxClockOffset)
	}
	s.catchUp()
	s.offset.Store(int64(d))
	s.logger.Warn("drs simulator: DRS's clock is offset from the run service's clock", "offset", d.String())
	return nil
}

// parseClockOffset reads an inventory's drsClockOffset ("10m", "-10m").
func parseClockOffset(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf(`field "drsClockOffset": %q is not a duration such as "10m" or "-10m"`, v)
	}
	if d > maxClockOffset || d < -maxClockOffset {
		return 0, fmt.Errorf(`field "drsClockOffset": %s must be within ±%s`, d, maxClockOffset)
	}
	return d, nil
}
