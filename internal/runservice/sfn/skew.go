package sfn

import (
	"encoding/json"
	"time"
)

// SkewWarning is the difference between the engine's clock and DRS's
// beyond which the engine warns: schedules, timeouts and the history's
// timestamps are on the engine's clock, job times on DRS's.
const SkewWarning = 2 * time.Minute

// noteDRSClock measures the skew between the engine's clock and DRS's from
// the answer to a request that created a job: DRS stamps the job's
// creationDateTime with its own clock when it receives the request, which
// is (give or take the request's latency) sentAt on the engine's clock.
func (e *Engine) noteDRSClock(sentAt time.Time, out []byte) {
	var answer struct {
		Job struct{ CreationDateTime string }
	}
	if json.Unmarshal(out, &answer) != nil || answer.Job.CreationDateTime == "" {
		return
	}
	created, err := time.Parse(time.RFC3339Nano, answer.Job.CreationDateTime)
	if err != nil {
		return
	}
	// DRS times have whole seconds: a skew under a second is no skew.
	skew := created.Sub(sentAt.Truncate(time.Second)).Truncate(time.Second)
	e.skewNS.Store(int64(skew))
	e.skewKnown.Store(true)
	if skew.Abs() < SkewWarning {
		return
	}
	last := time.Duration(e.skewWarned.Load())
	if (last-skew).Abs() < time.Minute && last != 0 {
		return
	}
	e.skewWarned.Store(int64(skew))
	e.log.Warn("the run service's clock and DRS's clock disagree: DRS stamps jobs at another time than the engine sent them",
		"drsAheadBy", skew.String(), "threshold", SkewWarning.String())
}

// DRSClockSkew is how far DRS's clock was ahead of the engine's (negative:
// behind) when DRS last created a job for the engine; ok is false before
// the first job.
func (e *Engine) DRSClockSkew() (skew time.Duration, ok bool) {
	return time.Duration(e.skewNS.Load()), e.skewKnown.Load()
}
