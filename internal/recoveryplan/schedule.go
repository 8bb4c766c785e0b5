package recoveryplan

// Schedule is the order a plan's waves run in, as the compiler lays it
// out: a tree whose leaves are waves, composed in series (one after
// another) and in parallel (at the same time). Exactly one of Wave, Series
// and Parallel is set.
type Schedule struct {
	Wave     string
	Series   []Schedule
	Parallel []Schedule
}

// IsWave reports whether s is a leaf.
func (s Schedule) IsWave() bool { return s.Wave != "" }

// Waves lists the waves of s, leaves left to right.
func (s Schedule) Waves() []string {
	if s.IsWave() {
		return []string{s.Wave}
	}
	var out []string
	for _, c := range append(append([]Schedule(nil), s.Series...), s.Parallel...) {
		out = append(out, c.Waves()...)
	}
	return out
}

// Schedule lays the waves out in levels: a series of levels, the waves of
// a level in parallel. Every wave of a level waits for every wave of the
// level before, not only for its own dependencies.
// TODO(#11 item 6): series-parallel decomposition (critical path).
func (p Plan) Schedule() (Schedule, error) {
	levels, err := p.Levels()
	if err != nil {
		return Schedule{}, err
	}
	var series []Schedule
	for _, names := range levels {
		if len(names) == 1 {
			series = append(series, Schedule{Wave: names[0]})
			continue
		}
		par := make([]Schedule, len(names))
		for i, n := range names {
			par[i] = Schedule{Wave: n}
		}
		series = append(series, Schedule{Parallel: par})
	}
	if len(series) == 1 {
		return series[0], nil
	}
	return Schedule{Series: series}, nil
}
