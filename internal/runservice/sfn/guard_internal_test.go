package sfn

import (
	"context"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// A bug that panics while stepping one execution fails that execution with
// States.Runtime; the engine and the other executions carry on.
func TestEnginePanicFailsOnlyThatExecution(t *testing.T) {
	testHookStep = func(state string) {
		if state == "Boom" {
			panic("injected bug")
		}
	}
	defer func() { testHookStep = nil }()
	st, err := store.Open(store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	clk := simclock.New(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), 0)
	e, err := NewEngine(Options{Store: st, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { e.Close(); clk.Close(); st.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = e.do(ctx, func(b *batch) error {
		_, err := b.tx.Exec(`INSERT INTO sfn_state_machines (arn, account, region, name, definition, role_arn, type, status, created_ns, updated_ns, revision_id)
			VALUES ('arn:aws:states:us-east-1:123456789012:stateMachine:m', '123456789012', 'us-east-1', 'm',
			'{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":10,"Next":"Choose"},"Choose":{"Type":"Choice","Choices":[{"Variable":"$.bad","BooleanEquals":true,"Next":"Boom"}],"Default":"Fine"},"Boom":{"Type":"Pass","End":true},"Fine":{"Type":"Pass","End":true}}}',
			'arn:aws:iam::123456789012:role/r', 'STANDARD', 'ACTIVE', 0, 0, 'r')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sm := "arn:aws:states:us-east-1:123456789012:stateMachine:m"
	badARN, _, err := e.Start(ctx, sm, "bad", `{"bad":true}`, map[string]any{"bad": true})
	if err != nil {
		t.Fatal(err)
	}
	goodARN, _, err := e.Start(ctx, sm, "good", `{"bad":false}`, map[string]any{"bad": false})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Second)
	if err := e.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	row := func(arn string) (status, errName string) {
		_ = st.DB().QueryRow(`SELECT status, COALESCE(error, '') FROM sfn_executions WHERE arn = ?`, arn).Scan(&status, &errName)
		return
	}
	if got, _ := row(goodARN); got != statusSucceded {
		t.Fatalf("the other execution is %s", got)
	}
	if got, name := row(badARN); got != statusFailed || name != "States.Runtime" {
		t.Fatalf("the execution that hit the bug is %s (%s), want FAILED (States.Runtime)", got, name)
	}
}
