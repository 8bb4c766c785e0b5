package ssmsim

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ec2sim"
)

// DRS launch actions: after a recovery instance launches, DRS itself runs
// each active launch action as an SSM command on the instance or as an
// automation execution. DRS calls SSM inside AWS, so these runs are not
// requests on the wire; they are ordinary commands and automations
// afterwards (ListCommandInvocations, GetAutomationExecution answer for
// them), and the outcome rules of /_sim/ssm/outcomes decide them like any
// other.

// LaunchAction is one launch action run on one recovery instance.
type LaunchAction struct {
	Account, Region string
	// Instance is the recovery instance as EC2 has it (the caller looks
	// it up: SSM must not call back into DRS, whose estate is locked).
	Instance   ec2sim.Instance
	Document   string
	Version    string // $DEFAULT, $LATEST or a version number
	Automation bool
	Parameters map[string][]string
	Comment    string    // at most 100 characters (SendCommand's limit)
	At         time.Time // when DRS starts it, on the run service's clock
}

// Execution is a started launch action: its SSM command or automation
// execution ID and the outcome it reaches Ends after it started.
type Execution struct {
	ID string
	Outcome
	Ends time.Duration
}

// StartLaunchAction runs a on its instance. The error is what SSM answers
// DRS when it refuses the run (a document a rule refuses, a bad name).
func (s *Service) StartLaunchAction(ctx context.Context, a LaunchAction) (Execution, *awswire.APIError) {
	if !documentPattern.MatchString(a.Document) {
		return Execution{}, clientError("ValidationException", "1 validation error detected: Value '"+a.Document+"' at 'documentName' failed to satisfy constraint: Member must satisfy regular expression pattern")
	}
	if code, msg := s.documentError(a.Document, !a.Automation); code != "" {
		return Execution{}, clientError(code, msg)
	}
	params := map[string][]string{}
	for k, v := range a.Parameters {
		params[k] = v
	}
	if a.Automation {
		return s.startLaunchAutomation(ctx, a, params)
	}
	if a.Document == "AWS-RunShellScript" && len(params["commands"]) == 0 {
		return Execution{}, clientError("InvalidParameters", "document AWS-RunShellScript does not support parameters without commands: the parameter commands is required")
	}
	c := &command{Account: a.Account, Region: a.Region, ID: newUUID(), Document: a.Document, Version: a.Version,
		Comment: truncate(a.Comment, 100), Parameters: params, InstanceIDs: []string{a.Instance.ID}, Requested: a.At.UTC(), Timeout: 3600}
	s.mu.Lock()
	inv := s.decide(c, a.Instance.ID, a.Instance.Running, a.Instance.Tags, nil)
	c.Invocations = []*invocation{inv}
	s.commands[s.key(a.Account, a.Region, c.ID)] = c
	s.mu.Unlock()
	if err := s.put(ctx, kindCommand, s.key(a.Account, a.Region, c.ID), c); err != nil {
		return Execution{}, awswire.NewError(http.StatusInternalServerError, "InternalServerError", "could not store the command: "+err.Error())
	}
	return Execution{ID: c.ID, Outcome: inv.Outcome, Ends: inv.Ends}, nil
}

// startLaunchAutomation starts an automation for the instance. DRS names
// the instance in the InstanceId parameter, which the AWS-owned runbooks
// take, unless the action sets it.
func (s *Service) startLaunchAutomation(ctx context.Context, a LaunchAction, params map[string][]string) (Execution, *awswire.APIError) {
	if _, ok := params["InstanceId"]; !ok {
		params["InstanceId"] = []string{a.Instance.ID}
	}
	au := &automation{Account: a.Account, Region: a.Region, ID: newUUID(), Document: a.Document, Parameters: params, Started: a.At.UTC()}
	s.mu.Lock()
	au.Outcome, au.Ends = Outcome{Status: "Success", StatusDetails: "Success"}, runFor
	for _, r := range s.rules {
		if r.ErrorCode != "" || r.Check != "" || !r.matches(a.Account, a.Region, a.Document, a.Instance.ID, a.Instance.Tags, nil) {
			continue
		}
		if r.Status != "" {
			au.Status, au.StatusDetails = r.Status, r.Status
		}
		au.Output, au.Error = r.Output, r.Error
		if r.DurationSeconds > 0 {
			au.Ends = time.Duration(r.DurationSeconds) * time.Second
		}
		break
	}
	s.automations[s.key(a.Account, a.Region, au.ID)] = au
	s.mu.Unlock()
	if err := s.put(ctx, kindAutomation, s.key(a.Account, a.Region, au.ID), au); err != nil {
		return Execution{}, awswire.NewError(http.StatusInternalServerError, "InternalServerError", "could not store the automation: "+err.Error())
	}
	return Execution{ID: au.ID, Outcome: au.Outcome, Ends: au.Ends}, nil
}

// executionTimeout is how long a command document may run on an instance:
// its executionTimeout parameter (AWS-RunShellScript and
// AWS-RunPowerShellScript take one), else their default of 3600 seconds.
func executionTimeout(params map[string][]string) time.Duration {
	if v := params["executionTimeout"]; len(v) == 1 {
		if n, err := strconv.Atoi(v[0]); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return time.Hour
}

// CommandsOn lists the IDs of the commands sent to an instance, oldest
// first (tests, and callers that follow a launch action run into SSM).
func (s *Service) CommandsOn(account, region, instanceID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []*command
	for _, c := range s.commands {
		if c.Account == account && c.Region == region && slices.Contains(c.InstanceIDs, instanceID) {
			found = append(found, c)
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Requested.Before(found[j].Requested) })
	ids := make([]string, len(found))
	for i, c := range found {
		ids[i] = c.ID
	}
	return ids
}
