package runservice

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics counts the AWS API requests the run service answers, for
// /metrics (Prometheus text format).
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "drsorch_api_requests_total",
			Help: "AWS API requests answered, by service, operation and HTTP status.",
		}, []string{"service", "operation", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "drsorch_api_request_duration_seconds",
			Help:    "Time to answer AWS API requests, by service.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 4, 8),
		}, []string{"service"}),
	}
	m.registry.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// observe wraps h to count its requests under service; the operation is
// the X-Amz-Target action or the restJson1 path's first segment.
func (m *metrics) observe(service string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// Count before the answer leaves: a client that reads /metrics
		// right after its call must see the call counted.
		count := func(status int) {
			m.requests.WithLabelValues(service, operation(r), strconv.Itoa(status)).Inc()
			m.latency.WithLabelValues(service).Observe(time.Since(start).Seconds())
		}
		rec := &statusRecorder{ResponseWriter: w, count: count}
		h.ServeHTTP(rec, r)
		if !rec.counted {
			rec.WriteHeader(http.StatusOK)
		}
	})
}

func operation(r *http.Request) string {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		_, op, _ := strings.Cut(target, ".")
		return op
	}
	if r.Method == http.MethodPost && r.URL.Path == "/" {
		return r.PostFormValue("Action")
	}
	seg, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if seg == "tags" {
		return r.Method + " tags"
	}
	return seg
}

type statusRecorder struct {
	http.ResponseWriter
	count   func(status int)
	counted bool
}

// Unwrap lets http.ResponseController reach the connection (wire faults
// reset it).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) WriteHeader(code int) {
	if !s.counted {
		s.counted = true
		s.count(code)
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if !s.counted {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(p)
}
