package sfn

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// ControlHandler serves the unsigned /_sim/sfn/ endpoints (JSON):
//
//	GET  /_sim/sfn/consistency                 the UpdateStateMachine read-after-write window
//	POST /_sim/sfn/consistency {"windowSeconds": N}  set it (N ≤ 0: off)
//	GET    /_sim/sfn/faults                   the faults still armed
//	POST   /_sim/sfn/faults  Faults           replace them: {"api":[{"operation","kind":"throttle|5xx|reset","status","count","percent"}],
//	                                           "rolePropagationSeconds":N, "tasks":[{"resource","error","cause","count"}]}
//	DELETE /_sim/sfn/faults                   clear them
func (s *Service) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	consistency := func(w http.ResponseWriter) {
		awswire.WriteJSON(w, "application/json", http.StatusOK,
			map[string]float64{"windowSeconds": s.e.UpdateConsistencyWindow().Seconds()})
	}
	mux.HandleFunc("GET /_sim/sfn/consistency", func(w http.ResponseWriter, _ *http.Request) { consistency(w) })
	mux.HandleFunc("POST /_sim/sfn/consistency", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			WindowSeconds *float64 `json:"windowSeconds"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.WindowSeconds == nil {
			controlError(w, `body must be {"windowSeconds": N}`)
			return
		}
		d := time.Duration(*req.WindowSeconds * float64(time.Second))
		if d <= 0 {
			d = -1
		}
		s.e.SetUpdateConsistencyWindow(d)
		consistency(w)
	})
	mux.HandleFunc("GET /_sim/sfn/faults", func(w http.ResponseWriter, _ *http.Request) {
		awswire.WriteJSON(w, "application/json", http.StatusOK, s.e.Faults())
	})
	mux.HandleFunc("POST /_sim/sfn/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			controlError(w, "body must be a Faults object: "+err.Error())
			return
		}
		if err := s.e.SetFaults(f); err != nil {
			controlError(w, err.Error())
			return
		}
		awswire.WriteJSON(w, "application/json", http.StatusOK, s.e.Faults())
	})
	mux.HandleFunc("DELETE /_sim/sfn/faults", func(w http.ResponseWriter, _ *http.Request) {
		_ = s.e.SetFaults(Faults{})
		awswire.WriteJSON(w, "application/json", http.StatusOK, s.e.Faults())
	})
	return mux
}

func controlError(w http.ResponseWriter, msg string) {
	awswire.WriteJSON(w, "application/json", http.StatusBadRequest, map[string]string{"message": msg})
}
