// Package events is the run service's EventBridge: PutEvents (awsJson1.1)
// stores every entry with its Detail so tests, the dashboard and people can
// see what pause gates published. No rules or targets: nothing is routed.
package events

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// Entry is one PutEvents request entry, as the EventBridge model names it.
type Entry struct {
	Source       string    `json:"Source,omitempty"`
	DetailType   string    `json:"DetailType,omitempty"`
	Detail       string    `json:"Detail,omitempty"`
	EventBusName string    `json:"EventBusName,omitempty"`
	Resources    []string  `json:"Resources,omitempty"`
	Time         *float64  `json:"Time,omitempty"` // epoch seconds on the wire
	TraceHeader  string    `json:"TraceHeader,omitempty"`
	When         time.Time `json:"-"`
}

// Result is one PutEvents result entry: an EventId, or an error code.
type Result struct {
	EventID      string `json:"EventId,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

// Event is a stored event.
type Event struct {
	ID         string          `json:"id"`
	Account    string          `json:"account"`
	Region     string          `json:"region"`
	EventBus   string          `json:"eventBusName"`
	Source     string          `json:"source"`
	DetailType string          `json:"detailType"`
	Detail     json.RawMessage `json:"detail"`
	Resources  []string        `json:"resources"`
	Time       time.Time       `json:"time"`
}

// Bus stores events in the run service's database.
type Bus struct {
	db    *sql.DB
	clock *simclock.Clock
}

// New creates the bus and its table.
func New(st *store.Store, clock *simclock.Clock) (*Bus, error) {
	_, err := st.DB().Exec(`CREATE TABLE IF NOT EXISTS events_events (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		account TEXT NOT NULL,
		region TEXT NOT NULL,
		bus TEXT NOT NULL,
		source TEXT NOT NULL,
		detail_type TEXT NOT NULL,
		detail TEXT NOT NULL,
		resources TEXT NOT NULL,
		time_ns INTEGER NOT NULL)`)
	if err != nil {
		return nil, fmt.Errorf("create events tables: %w", err)
	}
	return &Bus{db: st.DB(), clock: clock}, nil
}

// Put stores valid entries; each invalid entry gets an ErrorCode, as
// EventBridge reports per-entry failures instead of failing the request.
// Entries over MaxEntriesBytes in total fail the whole call with
// ErrEntriesTooLarge.
func (b *Bus) Put(ctx context.Context, id awswire.Identity, entries []Entry) ([]Result, error) {
	if EntriesSize(entries) > MaxEntriesBytes {
		return nil, ErrEntriesTooLarge
	}
	results := make([]Result, len(entries))
	for i, e := range entries {
		if code, msg := validate(e); code != "" {
			results[i] = Result{ErrorCode: code, ErrorMessage: msg}
			continue
		}
		when := b.clock.Now()
		if !e.When.IsZero() {
			when = e.When
		} else if e.Time != nil {
			when = time.Unix(0, int64(*e.Time*1e9)).UTC()
		}
		bus := e.EventBusName
		if bus == "" {
			bus = "default"
		}
		if i := strings.LastIndex(bus, "/"); strings.HasPrefix(bus, "arn:") && i >= 0 {
			bus = bus[i+1:]
		}
		resources, _ := json.Marshal(nonNil(e.Resources))
		eventID := newEventID()
		if _, err := b.db.ExecContext(ctx, `INSERT INTO events_events
			(id, account, region, bus, source, detail_type, detail, resources, time_ns)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, eventID, id.Account, id.Region, bus, e.Source,
			e.DetailType, e.Detail, string(resources), when.UnixNano()); err != nil {
			return nil, fmt.Errorf("store event: %w", err)
		}
		results[i] = Result{EventID: eventID}
	}
	return results, nil
}

func validate(e Entry) (code, message string) {
	switch {
	case e.Source == "":
		return "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."
	case e.DetailType == "":
		return "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."
	case e.Detail == "":
		return "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(e.Detail), &obj); err != nil {
		return "MalformedDetail", "Detail is malformed: it must be a JSON object."
	}
	return "", ""
}

// Filter selects stored events; zero fields match everything.
type Filter struct {
	Account    string
	Region     string
	Source     string
	DetailType string
	Limit      int // 0: no limit
}

// List returns stored events, oldest first.
func (b *Bus) List(ctx context.Context, f Filter) ([]Event, error) {
	q := `SELECT id, account, region, bus, source, detail_type, detail, resources, time_ns FROM events_events WHERE 1=1`
	var args []any
	for _, c := range []struct{ col, v string }{{"account", f.Account}, {"region", f.Region}, {"source", f.Source}, {"detail_type", f.DetailType}} {
		if c.v != "" {
			q += " AND " + c.col + " = ?"
			args = append(args, c.v)
		}
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := b.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var ev Event
		var detail, resources string
		var ns int64
		if err := rows.Scan(&ev.ID, &ev.Account, &ev.Region, &ev.EventBus, &ev.Source, &ev.DetailType, &detail, &resources, &ns); err != nil {
			return nil, err
		}
		ev.Detail = json.RawMessage(detail)
		_ = json.Unmarshal([]byte(resources), &ev.Resources)
		ev.Time = time.Unix(0, ns).UTC()
		out = append(out, ev)
	}
	return out, rows.Err()
}

func newEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
