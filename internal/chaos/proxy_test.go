package chaos_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// lossyOperations are the non-idempotent calls the product makes from the
// client side: each answer of theirs may be lost after the service acted.
var lossyOperations = []string{"CreateStateMachine", "StartExecution", "SendTaskSuccess", "TerminateRecoveryInstances"}

// lossyProxy forwards every request to the service and, for the calls in
// lossyOperations, sometimes drops the connection after the service has
// answered: the client cannot tell whether the call took effect. The first
// answer of each such operation is always lost.
type lossyProxy struct {
	url      string
	upstream string
	p        float64
	client   *http.Client

	mu      sync.Mutex
	answers map[string]int64
	losses  map[string]int64
}

func newLossyProxy(t *testing.T, upstreamAddr string, p float64) *lossyProxy {
	px := &lossyProxy{upstream: "http://" + upstreamAddr, p: p, client: &http.Client{},
		answers: map[string]int64{}, losses: map[string]int64{}}
	srv := httptest.NewServer(px)
	t.Cleanup(srv.Close)
	px.url = srv.URL
	return px
}

// operation names the API operation of a request: the X-Amz-Target for
// the JSON protocols, the first path segment for DRS's restJson1.
func operation(r *http.Request) string {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		_, op, _ := strings.Cut(target, ".")
		return op
	}
	op, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return op
}

func (px *lossyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	out, _ := http.NewRequestWithContext(r.Context(), r.Method, px.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	out.Header = r.Header.Clone()
	out.Host = r.Host // the signature covers the Host header
	resp, err := px.client.Do(out)
	if err != nil {
		px.drop(w) // the service is down: the client sees a broken connection
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		px.drop(w)
		return
	}
	if px.lose(operation(r), resp.StatusCode) {
		px.drop(w)
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// lose decides whether a successful answer of op is lost.
func (px *lossyProxy) lose(op string, status int) bool {
	lossy := false
	for _, l := range lossyOperations {
		lossy = lossy || l == op
	}
	if !lossy || status != http.StatusOK {
		return false
	}
	px.mu.Lock()
	defer px.mu.Unlock()
	px.answers[op]++
	if px.answers[op] == 1 || rand.Float64() < px.p {
		px.losses[op]++
		return true
	}
	return false
}

func (px *lossyProxy) drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	w.WriteHeader(http.StatusBadGateway)
}

func (px *lossyProxy) lost() map[string]int64 {
	px.mu.Lock()
	defer px.mu.Unlock()
	out := make(map[string]int64, len(px.losses))
	for k, v := range px.losses {
		out[k] = v
	}
	return out
}
