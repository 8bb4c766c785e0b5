package asl

import (
	"sync"
	"testing"
)

// A parsed StateMachine is shared by every execution of it: its helpers must be safe
// for concurrent use (run with -race).
func TestConcurrentUseOfOneStateMachine(t *testing.T) {
	sm := mustParse(t, wrap(`"A":{"Type":"Pass","Parameters":{"big.$":"$.l[?(@.n > 1)].n","f.$":"States.Format('{}', $.l[0].n)","c.$":"$$.Execution.Name"},"Next":"B"},
		"B":{"Type":"Choice","Choices":[{"Variable":"$.big[0]","NumericEquals":2,"Next":"C"}],"Default":"C"},"C":{"Type":"Succeed"}`))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := &Context{Execution: ExecutionContext{Name: "x"}}
			for i := 0; i < 200; i++ {
				in := map[string]any{"l": []any{map[string]any{"n": int64(1)}, map[string]any{"n": int64(2)}}}
				eff, err := sm.States["A"].EffectiveInput(in, ctx)
				if err != nil {
					t.Error(err)
					return
				}
				out, err := sm.States["A"].ApplyOutput(in, eff, ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if next, _, err := sm.States["B"].ChooseNext(out, ctx); err != nil || next != "C" {
					t.Error(next, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
