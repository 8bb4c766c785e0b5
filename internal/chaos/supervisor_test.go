package chaos_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

const childEnv = "DRSORCH_CHAOS_CHILD"

// childConfig is what the supervisor hands the service process.
type childConfig struct {
	DataDir    string
	Inventory  string
	Addr       string
	TimeScale  float64
	WindowKill float64
}

// TestChaosServeChild is not a test: the supervisor runs this test binary
// again with childEnv set, and this function then serves the run service
// until it is killed — or kills itself right after a StartRecovery was
// sent and before its answer is recorded, the window that must never
// launch a wave twice.
func TestChaosServeChild(t *testing.T) {
	raw := os.Getenv(childEnv)
	if raw == "" {
		t.Skip("the run service process of TestChaos")
	}
	var cfg childConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	windowKills := filepath.Join(filepath.Dir(cfg.DataDir), "window-kills")
	app, err := runservice.New(runservice.Config{
		DataDir: cfg.DataDir, Inventory: cfg.Inventory, TimeScale: cfg.TimeScale,
		AfterTaskSent: func(execARN, resource string) bool {
			if strings.HasSuffix(resource, ":startRecovery") && rand.Float64() < cfg.WindowKill {
				if f, err := os.OpenFile(windowKills, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
					fmt.Fprintln(f, execARN)
					f.Close()
				}
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // the signal is on its way
			}
			return false
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	_ = http.Serve(ln, app.Handler())
}

// supervisor runs the service process, restarts it whenever it dies, and
// kills it with SIGKILL at random moments.
type supervisor struct {
	cfg   childConfig
	addr  string
	kills atomic.Int64

	mu       sync.Mutex
	cur      *child
	stopping bool
	done     chan struct{}
}

// child is one service process.
type child struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

func (c *child) alive() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

func newSupervisor(t *testing.T, dataDir, inventory string, s settings) *supervisor {
	addr := freePort(t)
	return &supervisor{addr: addr, done: make(chan struct{}), cfg: childConfig{DataDir: dataDir, Inventory: inventory, Addr: addr,
		TimeScale: s.timeScale, WindowKill: s.windowKill}}
}

func (s *supervisor) url() string { return "http://" + s.addr }

// start launches the first process and keeps one running until stop.
func (s *supervisor) start(t *testing.T) {
	c, err := s.launch()
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.cur = c
	s.mu.Unlock()
	go s.watch(c)
}

// launch starts a process and waits until it serves. A process that dies
// while starting (it may kill itself resuming a StartRecovery) is
// replaced by another.
func (s *supervisor) launch() (*child, error) {
	raw, _ := json.Marshal(s.cfg)
	probe := &http.Client{Timeout: time.Second}
	for attempt := 0; attempt < 50; attempt++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChaosServeChild$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(raw))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		c := &child{cmd: cmd, exited: make(chan struct{})}
		go func() { _ = cmd.Wait(); close(c.exited) }()
		deadline := time.Now().Add(30 * time.Second)
		for c.alive() {
			resp, err := probe.Get(s.url() + "/healthz")
			if err == nil {
				resp.Body.Close()
				return c, nil
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				return nil, fmt.Errorf("the service process did not answer /healthz in 30 s: %v", err)
			}
			time.Sleep(20 * time.Millisecond) // waiting for a process to listen
		}
	}
	return nil, fmt.Errorf("the service process died at start 50 times in a row")
}

// watch restarts the process whenever it dies (killed by killLoop, or by
// itself inside the StartRecovery window).
func (s *supervisor) watch(c *child) {
	defer close(s.done)
	for {
		<-c.exited
		s.mu.Lock()
		stopping := s.stopping
		s.mu.Unlock()
		if stopping {
			return
		}
		next, err := s.launch()
		if err != nil {
			fmt.Fprintln(os.Stderr, "chaos: restart:", err)
			return
		}
		s.mu.Lock()
		s.cur, c = next, next
		if s.stopping {
			_ = next.cmd.Process.Kill()
		}
		s.mu.Unlock()
	}
}

// killLoop sends SIGKILL at random moments until set.kills have been sent.
func (s *supervisor) killLoop(ctx context.Context, set settings) {
	for s.kills.Load() < int64(set.kills) {
		gap := set.gap[0] + rand.N(set.gap[1]-set.gap[0])
		select {
		case <-ctx.Done():
			return
		case <-time.After(gap):
		}
		s.mu.Lock()
		if c := s.cur; c != nil && c.alive() && c.cmd.Process.Signal(syscall.SIGKILL) == nil {
			s.kills.Add(1)
		}
		s.mu.Unlock()
	}
}

func (s *supervisor) stop() {
	s.mu.Lock()
	s.stopping = true
	if s.cur != nil {
		_ = s.cur.cmd.Process.Kill()
	}
	s.mu.Unlock()
	<-s.done
}

// windowKillCount is how often the service killed itself inside the
// StartRecovery window.
func (s *supervisor) windowKillCount() int64 {
	raw, _ := os.ReadFile(filepath.Join(filepath.Dir(s.cfg.DataDir), "window-kills"))
	return int64(strings.Count(string(raw), "\n"))
}

// freePort picks a loopback port the service keeps across restarts, so
// the proxy and the clients keep one address.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
