package runservicetest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Front is a door in front of a run service that misbehaves on request:
// it loses answers after the service acted, and fails calls the way an
// outage does, so that tests see what clients do on a bad network. Point
// the client under test at URL; requests reach the service unchanged.
type Front struct {
	URL string
	svc *Service

	mu     sync.Mutex
	lose   map[string]int  // operation -> answers still to lose
	down   map[string]bool // operation -> refused with 503; "*" is every operation
	fail   map[string]int  // operation -> requests still to refuse with 503
	calls  map[string]int  // operation -> requests received
	lost   map[string]int  // operation -> answers lost
	bodies map[string][][]byte
	before map[string]func()
}

// Front starts a front door for s that stops with the test.
func (s *Service) Front(t testing.TB) *Front {
	t.Helper()
	f := &Front{svc: s, lose: map[string]int{}, down: map[string]bool{}, fail: map[string]int{}, calls: map[string]int{},
		lost: map[string]int{}, bodies: map[string][][]byte{}, before: map[string]func(){}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Operation names the AWS operation of a request: the X-Amz-Target
// suffix of the JSON protocols, else the first path segment of restJson1
// (DRS: /StartRecovery, /DescribeJobs …).
func Operation(r *http.Request) string {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		return target[strings.LastIndex(target, ".")+1:]
	}
	op, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return op
}

// LoseAnswers makes the next n requests of op reach the service, which
// acts on them, and then closes the connection without an answer.
func (f *Front) LoseAnswers(op string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lose[op] = n
}

// Outage makes every request of ops ("*": of every operation) fail with
// 503 Service Unavailable without reaching the service, until Restore.
func (f *Front) Outage(ops ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, op := range ops {
		f.down[op] = true
	}
}

// FailNext makes the next n requests of op fail with 503 Service
// Unavailable without reaching the service.
func (f *Front) FailNext(op string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[op] = n
}

// Restore ends every outage.
func (f *Front) Restore() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.down)
}

// Before runs fn before each request of op reaches the service (for
// example to move simulated time on); nil removes it.
func (f *Front) Before(op string, fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fn == nil {
		delete(f.before, op)
		return
	}
	f.before[op] = fn
}

// Calls is how many requests of op the front received.
func (f *Front) Calls(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// Lost is how many answers of op the front lost.
func (f *Front) Lost(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lost[op]
}

// Requests are the bodies of the requests of op received, in order.
func (f *Front) Requests(op string) [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.bodies[op]...)
}

func (f *Front) serve(w http.ResponseWriter, r *http.Request) {
	op := Operation(r)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	f.calls[op]++
	f.bodies[op] = append(f.bodies[op], body)
	down := f.down[op] || f.down["*"] || f.fail[op] > 0
	if f.fail[op] > 0 {
		f.fail[op]--
	}
	lose := !down && f.lose[op] > 0
	if lose {
		f.lose[op]--
		f.lost[op]++
	}
	before := f.before[op]
	f.mu.Unlock()
	if down {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amzn-ErrorType", "ServiceUnavailable")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"__type":"ServiceUnavailable","message":"simulated outage in front of the run service"}`)
		return
	}
	if before != nil {
		before()
	}
	if !lose {
		f.svc.App.Handler().ServeHTTP(w, r)
		return
	}
	// The service acts; its answer never leaves: the connection closes
	// with nothing written.
	f.svc.App.Handler().ServeHTTP(httptest.NewRecorder(), r)
	panic(http.ErrAbortHandler)
}
