package ssmsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Rule decides the outcome of the commands and automations it matches:
// the first rule whose set fields all match wins. Set through
// POST /_sim/ssm/outcomes, so tests and demos choose what a health check or
// a post-launch step does on which instance.
type Rule struct {
	// Match: empty fields match anything.
	Account        string `json:"account,omitempty"`
	Region         string `json:"region,omitempty"`
	Document       string `json:"document,omitempty"`
	InstanceID     string `json:"instanceId,omitempty"`
	SourceServerID string `json:"sourceServerId,omitempty"` // the instance's AWSElasticDisasterRecoverySourceServerID tag
	// Check matches drsorch health checks of a type ("http", "tcp"); "*"
	// any health check.
	Check string `json:"check,omitempty"`

	// ErrorCode refuses the request itself (InvalidDocument,
	// AutomationDefinitionNotFoundException …) instead of running it.
	ErrorCode string `json:"errorCode,omitempty"`
	// Outcome: Status Success (default), Failed, TimedOut or Cancelled;
	// ExitCode (default 0 on success, 1 otherwise); Output and Error are
	// the standard output and error (an automation's failure message).
	Status          string `json:"status,omitempty"`
	ExitCode        *int   `json:"exitCode,omitempty"`
	Output          string `json:"output,omitempty"`
	Error           string `json:"error,omitempty"`
	DurationSeconds int    `json:"durationSeconds,omitempty"`
}

const sourceServerTag = "AWSElasticDisasterRecoverySourceServerID"

// healthCheck is what a drsorch health-check script checks, read from its
// marker line: "# drsorch health check: http http://127.0.0.1:80/health
// expect 200 attempts 3 interval 10" or "…: tcp 10.0.0.5:5432 expect 0 …".
type healthCheck struct {
	Type, Target     string
	Expect, Attempts int
	IntervalSeconds  int
}

func parseCheck(commands []string, document string) *healthCheck {
	if document != "AWS-RunShellScript" || len(commands) == 0 {
		return nil
	}
	first := strings.SplitN(commands[0], "\n", 2)[0]
	rest, ok := strings.CutPrefix(first, healthCheckMarker)
	if !ok {
		return nil
	}
	f := strings.Fields(rest)
	if len(f) < 2 {
		return nil
	}
	c := &healthCheck{Type: f[0], Target: f[1], Attempts: 1}
	for i := 0; i+1 < len(f); i++ {
		n, err := strconv.Atoi(f[i+1])
		if err != nil {
			continue
		}
		switch f[i] {
		case "expect":
			c.Expect = n
		case "attempts":
			c.Attempts = max(n, 1)
		case "interval":
			c.IntervalSeconds = n
		}
	}
	return c
}

func (r Rule) matches(account, region, document string, instanceID string, tags map[string]string, check *healthCheck) bool {
	switch {
	case r.Account != "" && r.Account != account,
		r.Region != "" && r.Region != region,
		r.Document != "" && r.Document != document,
		r.InstanceID != "" && r.InstanceID != instanceID,
		r.SourceServerID != "" && (tags == nil || tags[sourceServerTag] != r.SourceServerID):
		return false
	case r.Check == "":
		return true
	case check == nil:
		return false
	default:
		return r.Check == "*" || r.Check == check.Type
	}
}

// documentError is the error a rule makes the start of document fail with.
func (s *Service) documentError(document string, command bool) (code, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.rules {
		if r.ErrorCode != "" && r.Document == document {
			msg := "Document " + document + " does not exist."
			if !command {
				msg = "Automation definition " + document + ":$DEFAULT not found."
			}
			return r.ErrorCode, msg
		}
	}
	return "", ""
}

// decide fixes the outcome of command c on one instance; s.mu is held.
func (s *Service) decide(c *command, instanceID string, running bool, tags map[string]string, check *healthCheck) *invocation {
	inv := &invocation{InstanceID: instanceID, Ends: deliverAfter + runFor}
	if !running {
		// SSM cannot reach a stopped instance: the command waits for
		// delivery until it times out.
		inv.Outcome = Outcome{Status: "TimedOut", StatusDetails: "DeliveryTimedOut", ResponseCode: -1}
		inv.Ends = deliveryTimeout
		return inv
	}
	var rule *Rule
	for i := range s.rules {
		if r := s.rules[i]; r.ErrorCode == "" && r.matches(c.Account, c.Region, c.Document, instanceID, tags, check) {
			rule = &s.rules[i]
			break
		}
	}
	failTag := check != nil && strings.EqualFold(tags[HealthCheckTag], "fail")
	status := "Success"
	if rule != nil && rule.Status != "" {
		status = rule.Status
	} else if failTag {
		status = "Failed"
	}
	inv.Outcome = Outcome{Status: status, StatusDetails: status}
	if status == "Success" {
		inv.ResponseCode = 0
	} else {
		inv.ResponseCode = 1
	}
	if rule != nil && rule.ExitCode != nil {
		inv.ResponseCode = *rule.ExitCode
	}
	if status == "TimedOut" {
		inv.StatusDetails, inv.ResponseCode = "ExecutionTimedOut", -1
	}
	if check != nil {
		inv.Output, inv.Error = checkOutput(check, status == "Success")
		if check.Attempts > 1 && status != "Success" {
			inv.Ends += time.Duration(check.Attempts-1) * time.Duration(check.IntervalSeconds) * time.Second
		}
	}
	if rule != nil {
		if rule.Output != "" {
			inv.Output = rule.Output
		}
		if rule.Error != "" {
			inv.Error = rule.Error
		}
		if rule.DurationSeconds > 0 {
			inv.Ends = deliverAfter + time.Duration(rule.DurationSeconds)*time.Second
		}
	}
	// A run longer than the document's execution timeout is stopped
	// there: TimedOut (ExecutionTimedOut), whatever it would have ended as.
	if limit := executionTimeout(c.Parameters); inv.Ends-deliverAfter > limit {
		inv.Ends = deliverAfter + limit
		inv.Outcome = Outcome{Status: "TimedOut", StatusDetails: "ExecutionTimedOut", ResponseCode: -1, Output: inv.Output}
	}
	return inv
}

// checkOutput is what drsorch's health-check script prints.
func checkOutput(c *healthCheck, ok bool) (out, errText string) {
	var b strings.Builder
	if ok {
		if c.Type == "http" {
			fmt.Fprintf(&b, "attempt 1: HTTP %d\n", c.Expect)
		} else {
			b.WriteString("attempt 1: connected\n")
		}
		return b.String(), ""
	}
	for i := 1; i <= c.Attempts; i++ {
		if c.Type == "http" {
			fmt.Fprintf(&b, "attempt %d: HTTP 000\n", i)
		} else {
			fmt.Fprintf(&b, "attempt %d: no connection\n", i)
		}
	}
	if c.Type == "http" {
		return b.String(), fmt.Sprintf("%s: expected HTTP %d, got no answer after %d attempts\n", c.Target, c.Expect, c.Attempts)
	}
	return b.String(), fmt.Sprintf("%s: no TCP connection after %d attempts\n", c.Target, c.Attempts)
}

// decideAutomation fixes the outcome of a; s.mu is held. Rules match an
// automation by document, and by instance when its parameters name the
// instance.
func (s *Service) decideAutomation(a *automation) Outcome {
	for _, r := range s.rules {
		if r.ErrorCode != "" || r.Check != "" || r.SourceServerID != "" {
			continue
		}
		if r.Account != "" && r.Account != a.Account || r.Region != "" && r.Region != a.Region || r.Document != "" && r.Document != a.Document {
			continue
		}
		if r.InstanceID != "" && !parametersName(a.Parameters, r.InstanceID) {
			continue
		}
		status := r.Status
		if status == "" {
			status = "Success"
		}
		return Outcome{Status: status, StatusDetails: status, Output: r.Output, Error: r.Error}
	}
	return Outcome{Status: "Success", StatusDetails: "Success"}
}

func parametersName(params map[string][]string, value string) bool {
	for _, vs := range params {
		if slices.Contains(vs, value) {
			return true
		}
	}
	return false
}

var ruleStatuses = []string{"", "Success", "Failed", "TimedOut", "Cancelled"}

// ControlHandler serves /_sim/ssm/outcomes: GET lists the rules, POST
// {"rules": [...]} replaces them (an empty list: every command succeeds).
func (s *Service) ControlHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			s.mu.Lock()
			rules := slices.Clone(s.rules)
			s.mu.Unlock()
			awswire.WriteJSON(w, "application/json", http.StatusOK, map[string]any{"rules": nonNil(rules)})
		case http.MethodPost:
			var req struct {
				Rules []Rule `json:"rules"`
			}
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&req); err != nil {
				awswire.WriteJSON(w, "application/json", http.StatusBadRequest, map[string]string{"message": "body must be {\"rules\": [...]}: " + err.Error()})
				return
			}
			for i, rule := range req.Rules {
				if !slices.Contains(ruleStatuses, rule.Status) {
					awswire.WriteJSON(w, "application/json", http.StatusBadRequest, map[string]string{"message": fmt.Sprintf("rules[%d].status %q: use Success, Failed, TimedOut or Cancelled", i, rule.Status)})
					return
				}
				if rule.Check != "" && rule.Check != "*" && rule.Check != "http" && rule.Check != "tcp" {
					awswire.WriteJSON(w, "application/json", http.StatusBadRequest, map[string]string{"message": fmt.Sprintf("rules[%d].check %q: use http, tcp or *", i, rule.Check)})
					return
				}
				if rule.ErrorCode != "" && rule.Document == "" {
					awswire.WriteJSON(w, "application/json", http.StatusBadRequest, map[string]string{"message": fmt.Sprintf("rules[%d]: errorCode needs the document it refuses", i)})
					return
				}
			}
			s.mu.Lock()
			s.rules = req.Rules
			s.mu.Unlock()
			awswire.WriteJSON(w, "application/json", http.StatusOK, map[string]any{"rules": nonNil(req.Rules)})
		default:
			w.Header().Set("Allow", "GET, POST")
			awswire.WriteJSON(w, "application/json", http.StatusMethodNotAllowed, map[string]string{"message": "use GET or POST"})
		}
	})
}

// SetRules replaces the outcome rules (tests in process).
func (s *Service) SetRules(rules []Rule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = slices.Clone(rules)
}

func nonNil(r []Rule) []Rule {
	if r == nil {
		return []Rule{}
	}
	return r
}

// InstancesHandler serves POST /_sim/ssm/instances {"account", "region"}
// (defaults: the local account, us-east-1): the running recovery instances
// SSM can run commands on, for scripts that send commands themselves.
func (s *Service) InstancesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Account, Region string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil && err.Error() != "EOF" {
			awswire.WriteJSON(w, "application/json", http.StatusBadRequest, map[string]string{"message": "body must be {\"account\": …, \"region\": …}: " + err.Error()})
			return
		}
		if req.Account == "" {
			req.Account = awswire.DefaultAccount
		}
		if req.Region == "" {
			req.Region = "us-east-1"
		}
		ids := s.opts.Instances.RunningInstances(req.Account, req.Region)
		if ids == nil {
			ids = []string{}
		}
		awswire.WriteJSON(w, "application/json", http.StatusOK, map[string]any{"instanceIds": ids})
	})
}
