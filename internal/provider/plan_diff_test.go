package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// planDiff walks a resource change's before, after and after_unknown
// values and returns the leaf paths (`waves.2.status`) whose known value
// changes, and those that become unknown.
func planDiff(before, after, afterUnknown any) (changed, unknown []string) {
	var walk func(p string, b, a, u any)
	walk = func(p string, b, a, u any) {
		if u == true {
			unknown = append(unknown, p)
			return
		}
		join := func(k string) string {
			if p == "" {
				return k
			}
			return p + "." + k
		}
		switch av := a.(type) {
		case map[string]any:
			bm, _ := b.(map[string]any)
			um, _ := u.(map[string]any)
			if bm == nil && b != nil {
				changed = append(changed, p)
				return
			}
			keys := map[string]bool{}
			for k := range av {
				keys[k] = true
			}
			for k := range bm {
				keys[k] = true
			}
			for k := range keys {
				walk(join(k), bm[k], av[k], um[k])
			}
			return
		case []any:
			bl, _ := b.([]any)
			ul, _ := u.([]any)
			if len(bl) != len(av) {
				changed = append(changed, p)
				return
			}
			for i := range av {
				var ui any
				if i < len(ul) {
					ui = ul[i]
				}
				walk(join(strconv.Itoa(i)), bl[i], av[i], ui)
			}
			return
		}
		if !reflect.DeepEqual(b, a) {
			changed = append(changed, p)
		}
	}
	walk("", before, after, afterUnknown)
	sort.Strings(changed)
	sort.Strings(unknown)
	return changed, unknown
}

// expectOnlyChanges fails unless addr is planned as an in-place update
// whose known changes are exactly the attributes named in changed (a
// whole set or list counts as one) and whose unknown values all match
// unknown; every other resource must be left alone.
type expectOnlyChanges struct {
	addr    string
	changed []string
	unknown *regexp.Regexp
}

func (c expectOnlyChanges) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	found := false
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			if !rc.Change.Actions.NoOp() && !rc.Change.Actions.Read() {
				resp.Error = fmt.Errorf("%s is planned %v; only %s should change", rc.Address, rc.Change.Actions, c.addr)
				return
			}
			continue
		}
		found = true
		if !rc.Change.Actions.Update() {
			resp.Error = fmt.Errorf("%s is planned %v, want an in-place update", c.addr, rc.Change.Actions)
			return
		}
		changed, unknown := planDiff(rc.Change.Before, rc.Change.After, rc.Change.AfterUnknown)
		// A set's element paths count as the set.
		top := map[string]bool{}
		for _, p := range changed {
			top[strings.SplitN(p, ".", 2)[0]] = true
		}
		var got []string
		for k := range top {
			got = append(got, k)
		}
		sort.Strings(got)
		want := append([]string(nil), c.changed...)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			resp.Error = fmt.Errorf("%s: known changes in %v (%v), want only %v", c.addr, got, changed, want)
			return
		}
		for _, p := range unknown {
			if !c.unknown.MatchString(p) {
				resp.Error = fmt.Errorf("%s: %s is planned unknown; it does not change at apply (unknown: %v)", c.addr, p, unknown)
				return
			}
		}
	}
	if !found {
		resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
	}
}
