// Package simclock is the run service's notion of time. Simulated DRS work
// and Step Functions Wait states both read it, so a time scale speeds up a
// whole drill consistently, and tests can freeze it and advance it by hand
// instead of sleeping on the wall clock.
package simclock

import (
	"container/heap"
	"sync"
	"time"
)

// Clock is a simulated clock: Now = base + wall time elapsed × scale.
// A scale of 0 freezes it; only Advance moves it then.
type Clock struct {
	mu     sync.Mutex
	base   time.Time // simulated time at anchor
	anchor time.Time // wall time when base was taken
	scale  float64
	timers timerHeap
	wake   chan struct{}
	stop   chan struct{}
	once   sync.Once
}

// New returns a clock that starts at start (or the wall clock's now when start
// is zero) and runs scale times faster than the wall clock.
func New(start time.Time, scale float64) *Clock {
	now := time.Now()
	if start.IsZero() {
		start = now
	}
	c := &Clock{base: start.UTC(), anchor: now, scale: scale, wake: make(chan struct{}, 1), stop: make(chan struct{})}
	go c.run()
	return c
}

// Scale reports how many simulated seconds pass per wall second.
func (c *Clock) Scale() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scale
}

// Now returns the current simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	elapsed := time.Since(c.anchor)
	return c.base.Add(time.Duration(float64(elapsed) * c.scale))
}

// Advance moves simulated time forward by d and fires every timer now due.
func (c *Clock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.base = c.nowLocked().Add(d)
	c.anchor = time.Now()
	c.mu.Unlock()
	c.poke()
}

// AdvanceTo moves simulated time forward to t (never backwards).
func (c *Clock) AdvanceTo(t time.Time) {
	c.mu.Lock()
	now := c.nowLocked()
	if t.After(now) {
		c.base = t
		c.anchor = time.Now()
	}
	c.mu.Unlock()
	c.poke()
}

// NextDeadline reports the earliest pending timer, if any. Tests use it to
// jump straight to the next thing that will happen.
func (c *Clock) NextDeadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return time.Time{}, false
	}
	return c.timers[0].at, true
}

// Timer is a pending callback on simulated time.
type Timer struct {
	at    time.Time
	fn    func()
	index int
	clock *Clock
}

// Stop cancels the timer; it reports whether the timer was still pending.
func (t *Timer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&c.timers, t.index)
	return true
}

// AfterFunc calls fn in its own goroutine once simulated time reaches
// Now()+d.
func (c *Clock) AfterFunc(d time.Duration, fn func()) *Timer {
	c.mu.Lock()
	t := &Timer{at: c.nowLocked().Add(d), fn: fn, clock: c}
	heap.Push(&c.timers, t)
	c.mu.Unlock()
	c.poke()
	return t
}

// At calls fn in its own goroutine once simulated time reaches at.
func (c *Clock) At(at time.Time, fn func()) *Timer {
	c.mu.Lock()
	t := &Timer{at: at, fn: fn, clock: c}
	heap.Push(&c.timers, t)
	c.mu.Unlock()
	c.poke()
	return t
}

// Close stops the clock's timer goroutine; pending timers never fire.
func (c *Clock) Close() { c.once.Do(func() { close(c.stop) }) }

func (c *Clock) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Clock) run() {
	for {
		c.mu.Lock()
		now := c.nowLocked()
		var due []*Timer
		for len(c.timers) > 0 && !c.timers[0].at.After(now) {
			due = append(due, heap.Pop(&c.timers).(*Timer))
		}
		wait := time.Duration(-1)
		if len(c.timers) > 0 && c.scale > 0 {
			wait = time.Duration(float64(c.timers[0].at.Sub(now)) / c.scale)
			if wait < time.Millisecond {
				wait = time.Millisecond
			}
		}
		c.mu.Unlock()
		for _, t := range due {
			go t.fn()
		}
		var timer <-chan time.Time
		if wait >= 0 {
			tm := time.NewTimer(wait)
			timer = tm.C
			select {
			case <-c.stop:
				tm.Stop()
				return
			case <-c.wake:
				tm.Stop()
			case <-timer:
			}
			continue
		}
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
	}
}

type timerHeap []*Timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
