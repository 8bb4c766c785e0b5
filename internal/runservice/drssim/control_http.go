package drssim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// ControlHandler serves the unsigned /_sim/ endpoints (JSON):
//
//	GET    /_sim/state                     summary of every estate
//	POST   /_sim/advance       {"seconds": N}
//	POST   /_sim/run-until-idle            advance until no job is active
//	GET    /_sim/stats                     API calls per operation
//	DELETE /_sim/stats                     reset the counters
//	POST   /_sim/faults        {"account","region","throttlePercent","latencyMs"}
//	POST   /_sim/fail-launch   {"account","region","sourceServerIDs":[…],"fail":true}
//	POST   /_sim/quotas        {"account","region","quotas":{"L-…":N}}
//	POST   /_sim/servers       {"account","region","count":N,"hostnamePrefix","tags"}
//	POST   /_sim/clock-offset  {"seconds": N}  DRS's clock N s ahead of the run service's (negative: behind)
//	POST   /_sim/failback-client {"account","region","recoveryInstanceID"}  the Failback Client connects
//	GET    /_sim/wire-faults               wire-fault rules and their counts
//	POST   /_sim/wire-faults   {"rules":[{"service","operation","kind","status","after","count","probability","seed"}]}
func (s *Simulator) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_sim/state", func(w http.ResponseWriter, _ *http.Request) {
		writeControl(w, http.StatusOK, s.State())
	})
	mux.HandleFunc("POST /_sim/advance", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Seconds *float64 `json:"seconds"`
		}
		if !readControl(w, r, &req) {
			return
		}
		if err := checkAdvance(req.Seconds); err != nil {
			controlError(w, err.Error())
			return
		}
		now := s.Advance(time.Duration(*req.Seconds * float64(time.Second)))
		writeControl(w, http.StatusOK, map[string]any{"now": now})
	})
	mux.HandleFunc("POST /_sim/run-until-idle", func(w http.ResponseWriter, _ *http.Request) {
		writeControl(w, http.StatusOK, map[string]any{"now": s.RunUntilIdle()})
	})
	mux.HandleFunc("GET /_sim/stats", func(w http.ResponseWriter, _ *http.Request) {
		calls := s.Stats()
		var total int64
		for _, n := range calls {
			total += n
		}
		writeControl(w, http.StatusOK, map[string]any{"calls": calls, "total": total})
	})
	mux.HandleFunc("DELETE /_sim/stats", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Estate
			Faults
		}
		if readControl(w, r, &req) {
			respond(w, s.SetFaults(req.Estate, req.Faults))
		}
	})
	mux.HandleFunc("POST /_sim/fail-launch", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Estate
			SourceServerIDs []string `json:"sourceServerIDs"`
			Fail            *bool    `json:"fail"`
		}
		if !readControl(w, r, &req) {
			return
		}
		if len(req.SourceServerIDs) == 0 {
			controlError(w, `"sourceServerIDs" is required`)
			return
		}
		respond(w, s.SetFailLaunch(req.Estate, req.Fail == nil || *req.Fail, req.SourceServerIDs...))
	})
	mux.HandleFunc("POST /_sim/quotas", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Estate
			Quotas map[string]int `json:"quotas"`
		}
		if !readControl(w, r, &req) {
			return
		}
		for code, v := range req.Quotas {
			if err := s.SetQuota(req.Estate, code, v); err != nil {
				controlError(w, err.Error())
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_sim/servers", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Estate
			GenerateSpec
		}
		if !readControl(w, r, &req) {
			return
		}
		ids, err := s.AddServers(req.Estate, req.GenerateSpec)
		if err != nil {
			controlError(w, err.Error())
			return
		}
		writeControl(w, http.StatusOK, map[string]any{"sourceServerIDs": ids})
	})
	mux.HandleFunc("POST /_sim/clock-offset", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Seconds *float64 `json:"seconds"`
		}
		if !readControl(w, r, &req) {
			return
		}
		if req.Seconds == nil || *req.Seconds > maxClockOffset.Seconds() || *req.Seconds < -maxClockOffset.Seconds() {
			controlError(w, fmt.Sprintf(`"seconds" is required and must be within ±%.0f`, maxClockOffset.Seconds()))
			return
		}
		respond(w, s.SetClockOffset(time.Duration(*req.Seconds*float64(time.Second))))
	})
	mux.HandleFunc("POST /_sim/failback-client", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Estate
			RecoveryInstanceID string `json:"recoveryInstanceID"`
		}
		if readControl(w, r, &req) {
			respond(w, s.ConnectFailbackClient(req.Estate, req.RecoveryInstanceID))
		}
	})
	mux.HandleFunc("GET /_sim/wire-faults", func(w http.ResponseWriter, _ *http.Request) {
		writeControl(w, http.StatusOK, map[string]any{"rules": s.WireFaultStatus()})
	})
	mux.HandleFunc("POST /_sim/wire-faults", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Rules []wirefault.Rule `json:"rules"`
		}
		if readControl(w, r, &req) {
			respond(w, s.SetWireFaults(req.Rules))
		}
	})
	return mux
}

func readControl(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err == nil && len(body) > 0 {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		controlError(w, fmt.Sprintf("request body is not the expected JSON: %v", err))
		return false
	}
	return true
}

func respond(w http.ResponseWriter, err error) {
	if err != nil {
		controlError(w, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func controlError(w http.ResponseWriter, msg string) {
	writeControl(w, http.StatusBadRequest, map[string]string{"error": msg})
}

func writeControl(w http.ResponseWriter, status int, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
