package drssim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// ErrAnswerLost is what a caller sees when the LoseAnswer fault drops the
// answer of a request that DRS carried out: the connection broke after the
// request was acted on, so the outcome is unknown to the caller.
var ErrAnswerLost = errors.New("drs simulator: connection reset after the request was carried out (injected lost answer)")

// validateLoseAnswer checks the LoseAnswer fault: known operations, counts
// from 0 to 1000.
func validateLoseAnswer(m map[string]int) error {
	names := make([]string, 0, len(m))
	for op := range m {
		names = append(names, op)
	}
	sort.Strings(names)
	for _, op := range names {
		if _, ok := operations[op]; !ok {
			return fmt.Errorf("loseAnswer: unknown operation %q (served: %s)", op, strings.Join(OperationNames(), ", "))
		}
		if n := m[op]; n < 0 || n > 1000 {
			return fmt.Errorf("loseAnswer.%s: %d must be between 0 and 1000", op, n)
		}
	}
	return nil
}

// loseAnswer reports whether the answer of a successful call of operation
// in the caller's estate is to be dropped, and uses up one of the lost
// answers the fault asked for.
func (s *Simulator) loseAnswer(id awswire.Identity, operation string) bool {
	account := id.Account
	if account == "" {
		account = awswire.DefaultAccount
	}
	e := s.estate(estateKey{account, id.Region})
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.faults.LoseAnswer[operation] <= 0 {
		return false
	}
	left := make(map[string]int, len(e.faults.LoseAnswer))
	for k, v := range e.faults.LoseAnswer {
		left[k] = v
	}
	if left[operation]--; left[operation] == 0 {
		delete(left, operation)
	}
	if len(left) == 0 {
		left = nil
	}
	e.faults.LoseAnswer = left
	e.dirtyMeta = true
	if err := s.flush(context.Background(), e); err != nil {
		s.logger.Error("drs simulator: persist estate", "estate", e.key.String(), "err", err)
	}
	s.logger.Warn("drs simulator: dropping the answer of a request it carried out (injected fault)", "operation", operation, "estate", e.key.String())
	return true
}

// breakConnection ends an HTTP exchange without an answer, as a network
// failure after the server acted would.
func breakConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
