package recoveryplan

import (
	"fmt"
	"strings"
)

// CycleError reports a dependency cycle, e.g. app → web → app.
type CycleError struct{ Cycle []string }

func (e *CycleError) Error() string {
	return "waves depend on each other in a cycle: " + strings.Join(e.Cycle, " → ")
}

// Levels groups the waves into topological layers: level 0 holds the waves
// without dependencies, level n the waves whose dependencies all sit in
// earlier levels. Waves keep their declared order within a level. Unknown
// dependencies are reported by Validate; here they are an error too.
func (p Plan) Levels() ([][]string, error) {
	deps := p.Dependencies()
	order := make([]string, 0, len(p.Waves))
	for _, w := range p.Waves {
		order = append(order, w.Name)
	}
	for _, name := range order {
		for _, d := range deps[name] {
			if _, ok := deps[d]; !ok {
				return nil, fmt.Errorf("wave %q depends on unknown wave %q", name, d)
			}
		}
	}
	level := make(map[string]int, len(order))
	remaining := append([]string(nil), order...)
	var levels [][]string
	for len(remaining) > 0 {
		var this, next []string
		for _, name := range remaining {
			ready := true
			for _, d := range deps[name] {
				if l, done := level[d]; !done || l >= len(levels) {
					ready = false
					break
				}
			}
			if ready {
				this = append(this, name)
			} else {
				next = append(next, name)
			}
		}
		if len(this) == 0 {
			return nil, &CycleError{Cycle: findCycle(next, deps)}
		}
		for _, name := range this {
			level[name] = len(levels)
		}
		levels = append(levels, this)
		remaining = next
	}
	return levels, nil
}

// findCycle walks dependencies from the first blocked wave until a wave
// repeats; the stretch between the repeats is the cycle, written in the
// direction of "runs after" (a → b means b waits for a).
func findCycle(blocked []string, deps map[string][]string) []string {
	inBlocked := map[string]bool{}
	for _, b := range blocked {
		inBlocked[b] = true
	}
	seen := map[string]int{}
	var path []string
	cur := blocked[0]
	for {
		if i, ok := seen[cur]; ok {
			cycle := append([]string(nil), path[i:]...)
			// path follows "depends on"; reverse it to read in run order.
			for l, r := 0, len(cycle)-1; l < r; l, r = l+1, r-1 {
				cycle[l], cycle[r] = cycle[r], cycle[l]
			}
			return append(cycle, cycle[0])
		}
		seen[cur] = len(path)
		path = append(path, cur)
		for _, d := range deps[cur] {
			if inBlocked[d] {
				cur = d
				break
			}
		}
	}
}
