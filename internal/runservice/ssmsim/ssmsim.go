// Package ssmsim simulates the subset of AWS Systems Manager that the wave
// runner's post-launch steps and health checks call: SendCommand,
// ListCommandInvocations, GetCommandInvocation, StartAutomationExecution
// and GetAutomationExecution (awsJson1.1, X-Amz-Target AmazonSSM.<op>,
// shapes and errors of botocore ssm 2014-11-06).
//
// Commands run on the simulated recovery instances of the EC2 simulator:
// an instance EC2 does not know is refused (InvalidInstanceId), a stopped
// one never receives the command (TimedOut, DeliveryTimedOut), a running
// one runs it. Outcomes are decided when the command is sent, from rules
// set through POST /_sim/ssm/outcomes (tests, demos) and the instance tag
// drsorch-sim:health-check=fail; each outcome is reached on the simulated
// clock, so a restart of the run service finds commands where they stood.
package ssmsim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ec2sim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// TargetPrefix is SSM's X-Amz-Target prefix.
const TargetPrefix = "AmazonSSM"

// HealthCheckTag on a recovery instance (from its launch template) fails
// every drsorch health check run on it when its value is "fail".
const HealthCheckTag = "drsorch-sim:health-check"

// healthCheckMarker begins drsorch's health-check scripts
// (statemachine.HealthCheckMarker; not imported, so that the simulator
// stays independent of the compiler).
const healthCheckMarker = "# drsorch health check:"

// Simulated durations: delivery to the agent, and a run.
const (
	deliverAfter    = time.Second
	runFor          = 4 * time.Second
	deliveryTimeout = time.Minute
)

// Instances is the EC2 simulator's view of recovery instances.
type Instances interface {
	LookupInstance(account, region, id string) (ec2sim.Instance, bool)
	RunningInstances(account, region string) []string
}

// Options configure the simulator.
type Options struct {
	Store     *store.Store
	Now       func() time.Time
	Logger    *slog.Logger
	Instances Instances
}

// Service is the simulated SSM of every account and region.
type Service struct {
	opts Options

	mu          sync.Mutex
	commands    map[string]*command    // by account/region/commandId
	automations map[string]*automation // by account/region/executionId
	rules       []Rule
}

// New returns the simulator, with the commands and automations stored
// earlier.
func New(opts Options) (*Service, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{opts: opts, commands: map[string]*command{}, automations: map[string]*automation{}}
	if err := s.load(context.Background()); err != nil {
		return nil, fmt.Errorf("ssm simulator tables: %w", err)
	}
	return s, nil
}

// command is one SendCommand and its invocations.
type command struct {
	Account     string              `json:"account"`
	Region      string              `json:"region"`
	ID          string              `json:"id"`
	Document    string              `json:"document"`
	Version     string              `json:"version,omitempty"` // "": $DEFAULT
	Comment     string              `json:"comment,omitempty"`
	Parameters  map[string][]string `json:"parameters"`
	InstanceIDs []string            `json:"instanceIds"`
	Requested   time.Time           `json:"requested"`
	Timeout     int                 `json:"timeoutSeconds"`
	Invocations []*invocation       `json:"invocations"`
}

// invocation is a command on one instance, with its decided outcome.
type invocation struct {
	InstanceID string `json:"instanceId"`
	Outcome
	// Ends is how long after the request the invocation reaches its
	// outcome.
	Ends time.Duration `json:"ends"`
}

// Outcome is how an invocation (or an automation) ends.
type Outcome struct {
	Status        string `json:"status"`        // Success, Failed, TimedOut, Cancelled
	StatusDetails string `json:"statusDetails"` // Success, Failed, DeliveryTimedOut …
	ResponseCode  int    `json:"responseCode"`
	Output        string `json:"output"`
	Error         string `json:"error"`
}

// automation is one StartAutomationExecution.
type automation struct {
	Account    string              `json:"account"`
	Region     string              `json:"region"`
	ID         string              `json:"id"`
	Document   string              `json:"document"`
	Parameters map[string][]string `json:"parameters"`
	Started    time.Time           `json:"started"`
	Outcome
	// Ends is how long after the start the outcome is reached (0: runFor).
	Ends time.Duration `json:"ends,omitempty"`
}

func (a *automation) ends() time.Duration {
	if a.Ends > 0 {
		return a.Ends
	}
	return runFor
}

func (c *command) version() string {
	if c.Version == "" {
		return "$DEFAULT"
	}
	return c.Version
}

// statusAt is the invocation's status at now: Pending until delivered,
// InProgress until it ends.
func (c *command) statusAt(inv *invocation, now time.Time) (status, details string) {
	since := now.Sub(c.Requested)
	switch {
	case since >= inv.Ends:
		return inv.Status, inv.StatusDetails
	case since < deliverAfter || inv.StatusDetails == "DeliveryTimedOut":
		return "Pending", "Pending"
	default:
		return "InProgress", "InProgress"
	}
}

func (s *Service) key(account, region, id string) string { return account + "/" + region + "/" + id }

var (
	instanceIDPattern = regexp.MustCompile(`^(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)$`)
	commandIDPattern  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	documentPattern   = regexp.MustCompile(`^([a-zA-Z0-9_\-.:/]{3,128}|arn:aws[a-z-]*:ssm:[a-z0-9-]*:[0-9]*:document/[a-zA-Z0-9_\-.]{3,128})$`)
)

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func clientError(code, message string) *awswire.APIError {
	return awswire.NewError(http.StatusBadRequest, code, message)
}

// Invoke runs one operation: body and result are the operation's wire
// JSON (PascalCase members). Errors are *awswire.APIError.
func (s *Service) Invoke(ctx context.Context, id awswire.Identity, operation string, body []byte) ([]byte, error) {
	if id.Account == "" {
		id.Account = awswire.DefaultAccount
	}
	if id.Region == "" {
		return nil, clientError("UnrecognizedClientException", "the request names no region: sign it for a region such as us-east-1")
	}
	var out any
	var err *awswire.APIError
	switch operation {
	case "SendCommand":
		out, err = s.sendCommand(ctx, id, body)
	case "ListCommandInvocations":
		out, err = s.listInvocations(id, body)
	case "GetCommandInvocation":
		out, err = s.getInvocation(id, body)
	case "StartAutomationExecution":
		out, err = s.startAutomation(ctx, id, body)
	case "GetAutomationExecution":
		out, err = s.getAutomation(id, body)
	default:
		err = clientError("UnknownOperationException", "the run service's SSM serves only SendCommand, ListCommandInvocations, GetCommandInvocation, StartAutomationExecution and GetAutomationExecution, not "+operation)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

func decode(body []byte, v any) *awswire.APIError {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return clientError("SerializationException", "request body is not valid for the operation: "+err.Error())
	}
	return nil
}

func (s *Service) sendCommand(ctx context.Context, id awswire.Identity, body []byte) (any, *awswire.APIError) {
	var req struct {
		DocumentName   string
		InstanceIds    []string
		Targets        []json.RawMessage
		Parameters     map[string][]string
		Comment        string
		TimeoutSeconds *int
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	switch {
	case req.DocumentName == "":
		return nil, clientError("ValidationException", "1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null")
	case !documentPattern.MatchString(req.DocumentName):
		return nil, clientError("ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'documentName' failed to satisfy constraint: Member must satisfy regular expression pattern", req.DocumentName))
	case len(req.Targets) > 0:
		return nil, clientError("ValidationException", "the run service's SSM runs commands on InstanceIds only, not Targets")
	case len(req.InstanceIds) == 0:
		return nil, clientError("ValidationException", "Either InstanceIds or Targets must be specified")
	case len(req.InstanceIds) > 50:
		return nil, clientError("ValidationException", fmt.Sprintf("1 validation error detected: Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50 (got %d)", len(req.InstanceIds)))
	case len(req.Comment) > 100:
		return nil, clientError("ValidationException", "1 validation error detected: Value at 'comment' failed to satisfy constraint: Member must have length less than or equal to 100")
	case req.TimeoutSeconds != nil && (*req.TimeoutSeconds < 30 || *req.TimeoutSeconds > 2592000):
		return nil, clientError("ValidationException", "1 validation error detected: Value at 'timeoutSeconds' failed to satisfy constraint: Member must have value between 30 and 2592000")
	}
	if code, msg := s.documentError(req.DocumentName, true); code != "" {
		return nil, clientError(code, msg)
	}
	if req.DocumentName == "AWS-RunShellScript" && len(req.Parameters["commands"]) == 0 {
		return nil, clientError("InvalidParameters", "document AWS-RunShellScript does not support parameters without commands: the parameter commands is required")
	}
	seen := map[string]bool{}
	var bad []string
	instances := make([]ec2sim.Instance, 0, len(req.InstanceIds))
	for _, iid := range req.InstanceIds {
		if seen[iid] {
			return nil, clientError("DuplicateInstanceId", "instance "+iid+" is given more than once")
		}
		seen[iid] = true
		inst, ok := s.opts.Instances.LookupInstance(id.Account, id.Region, iid)
		if !instanceIDPattern.MatchString(iid) || !ok {
			bad = append(bad, iid)
			continue
		}
		instances = append(instances, inst)
	}
	if len(bad) > 0 {
		// The message AWS gives for instances SSM does not manage.
		return nil, clientError("InvalidInstanceId", fmt.Sprintf("Instances [[%s]] not in a valid state for account %s", strings.Join(bad, ", "), id.Account))
	}
	now := s.opts.Now().UTC()
	c := &command{Account: id.Account, Region: id.Region, ID: newUUID(), Document: req.DocumentName, Comment: req.Comment,
		Parameters: req.Parameters, InstanceIDs: req.InstanceIds, Requested: now, Timeout: 3600}
	if c.Parameters == nil {
		c.Parameters = map[string][]string{}
	}
	if req.TimeoutSeconds != nil {
		c.Timeout = *req.TimeoutSeconds
	}
	check := parseCheck(c.Parameters["commands"], req.DocumentName)
	s.mu.Lock()
	for _, inst := range instances {
		c.Invocations = append(c.Invocations, s.decide(c, inst.ID, inst.Running, inst.Tags, check))
	}
	s.commands[s.key(id.Account, id.Region, c.ID)] = c
	s.mu.Unlock()
	if err := s.put(ctx, kindCommand, s.key(id.Account, id.Region, c.ID), c); err != nil {
		return nil, awswire.NewError(http.StatusInternalServerError, "InternalServerError", "could not store the command: "+err.Error())
	}
	return map[string]any{"Command": s.commandShape(c, now)}, nil
}

func (s *Service) commandShape(c *command, now time.Time) map[string]any {
	status, completed, errors := "Success", 0, 0
	pending := false
	for _, inv := range c.Invocations {
		st, _ := c.statusAt(inv, now)
		switch st {
		case "Pending", "InProgress":
			pending = true
		case "Success":
			completed++
		default:
			completed++
			errors++
		}
	}
	switch {
	case pending:
		status = "InProgress"
	case errors > 0:
		status = "Failed"
	}
	params := c.Parameters
	return map[string]any{
		"CommandId": c.ID, "DocumentName": c.Document, "DocumentVersion": c.version(), "Comment": c.Comment,
		"Parameters": params, "InstanceIds": c.InstanceIDs, "Targets": []any{},
		"RequestedDateTime": epoch(c.Requested), "ExpiresAfter": epoch(c.Requested.Add(time.Duration(c.Timeout) * time.Second)),
		"Status": status, "StatusDetails": status, "MaxConcurrency": "50", "MaxErrors": "0",
		"TargetCount": len(c.Invocations), "CompletedCount": completed, "ErrorCount": errors, "DeliveryTimedOutCount": 0,
		"TimeoutSeconds": c.Timeout,
	}
}

// isoTime is a StringDateTime: 2026-01-05T09:00:01Z (the model's pattern
// allows at most one digit of fractional seconds, so none are written).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func (s *Service) findCommand(id awswire.Identity, commandID string) (*command, *awswire.APIError) {
	if !commandIDPattern.MatchString(commandID) {
		return nil, clientError("InvalidCommandId", "")
	}
	c, ok := s.commands[s.key(id.Account, id.Region, commandID)]
	if !ok {
		return nil, clientError("InvalidCommandId", "")
	}
	return c, nil
}

func (s *Service) listInvocations(id awswire.Identity, body []byte) (any, *awswire.APIError) {
	var req struct {
		CommandId  string
		InstanceId string
		MaxResults *int
		NextToken  string
		Details    bool
		Filters    []json.RawMessage
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.MaxResults != nil && (*req.MaxResults < 1 || *req.MaxResults > 50) {
		return nil, clientError("ValidationException", "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50")
	}
	if len(req.Filters) > 0 {
		return nil, clientError("InvalidFilterKey", "the run service's SSM lists command invocations without filters")
	}
	if req.CommandId == "" {
		return nil, clientError("ValidationException", "the run service's SSM lists the invocations of one command: give CommandId")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.findCommand(id, req.CommandId)
	if err != nil {
		return nil, err
	}
	limit := 50
	if req.MaxResults != nil {
		limit = *req.MaxResults
	}
	start := 0
	if req.NextToken != "" {
		n, convErr := strconv.Atoi(req.NextToken)
		if convErr != nil || n < 0 || n > len(c.Invocations) {
			return nil, clientError("InvalidNextToken", "The specified token isn't valid.")
		}
		start = n
	}
	now := s.opts.Now().UTC()
	list := []any{}
	next := ""
	for i := start; i < len(c.Invocations); i++ {
		inv := c.Invocations[i]
		// Invocations are listed a moment after SendCommand (the API is
		// eventually consistent), the runner must wait for them.
		if now.Sub(c.Requested) < deliverAfter {
			continue
		}
		if len(list) == limit {
			next = strconv.Itoa(i)
			break
		}
		status, details := c.statusAt(inv, now)
		item := map[string]any{
			"CommandId": c.ID, "InstanceId": inv.InstanceID, "DocumentName": c.Document, "DocumentVersion": c.version(),
			"Comment": c.Comment, "RequestedDateTime": epoch(c.Requested), "Status": status, "StatusDetails": details,
			"TraceOutput": "", "StandardOutputUrl": "", "StandardErrorUrl": "", "CommandPlugins": []any{},
		}
		if req.Details {
			plugin := map[string]any{"Name": pluginName(c.Document), "Status": pluginStatus(status), "StatusDetails": details,
				"ResponseCode": -1, "Output": ""}
			if status == inv.Status {
				plugin["ResponseCode"] = inv.ResponseCode
				// ListCommandInvocations truncates a plugin's output at 2,500 characters.
				plugin["Output"] = truncate(joinOutput(inv.Output, inv.Error), 2500)
			}
			item["CommandPlugins"] = []any{plugin}
		}
		list = append(list, item)
	}
	out := map[string]any{"CommandInvocations": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *Service) getInvocation(id awswire.Identity, body []byte) (any, *awswire.APIError) {
	var req struct{ CommandId, InstanceId, PluginName string }
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.CommandId == "" || req.InstanceId == "" {
		return nil, clientError("ValidationException", "CommandId and InstanceId are required")
	}
	if !instanceIDPattern.MatchString(req.InstanceId) {
		return nil, clientError("InvalidInstanceId", "")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.findCommand(id, req.CommandId)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now().UTC()
	for _, inv := range c.Invocations {
		if inv.InstanceID != req.InstanceId {
			continue
		}
		if req.PluginName != "" && req.PluginName != pluginName(c.Document) {
			return nil, clientError("InvalidPluginName", "")
		}
		// Right after SendCommand the invocation does not exist yet
		// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html).
		if now.Sub(c.Requested) < deliverAfter {
			break
		}
		status, details := c.statusAt(inv, now)
		out := map[string]any{
			"CommandId": c.ID, "InstanceId": inv.InstanceID, "Comment": c.Comment, "DocumentName": c.Document,
			"DocumentVersion": c.version(), "PluginName": pluginName(c.Document), "ResponseCode": -1,
			"Status": status, "StatusDetails": details, "StandardOutputContent": "", "StandardOutputUrl": "",
			"StandardErrorContent": "", "StandardErrorUrl": "",
		}
		if status != "Pending" {
			out["ExecutionStartDateTime"] = isoTime(c.Requested.Add(deliverAfter))
		}
		if status == inv.Status {
			out["ExecutionEndDateTime"] = isoTime(c.Requested.Add(inv.Ends))
			out["ResponseCode"] = inv.ResponseCode
			out["StandardOutputContent"] = truncate(inv.Output, 24000)
			out["StandardErrorContent"] = truncate(inv.Error, 8000)
		}
		return out, nil
	}
	return nil, clientError("InvocationDoesNotExist", "")
}

func (s *Service) startAutomation(ctx context.Context, id awswire.Identity, body []byte) (any, *awswire.APIError) {
	var req struct {
		DocumentName string
		Parameters   *map[string][]string
		Targets      []json.RawMessage
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	switch {
	case req.DocumentName == "":
		return nil, clientError("ValidationException", "1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null")
	case !documentPattern.MatchString(req.DocumentName):
		return nil, clientError("ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'documentName' failed to satisfy constraint: Member must satisfy regular expression pattern", req.DocumentName))
	case req.Parameters != nil && (len(*req.Parameters) < 1 || len(*req.Parameters) > 200):
		// AutomationParameterMap: min 1, max 200.
		return nil, clientError("ValidationException", "1 validation error detected: Value at 'parameters' failed to satisfy constraint: Member must have length between 1 and 200")
	case len(req.Targets) > 0:
		return nil, clientError("ValidationException", "the run service's SSM runs automations without Targets")
	}
	if code, msg := s.documentError(req.DocumentName, false); code != "" {
		return nil, clientError(code, msg)
	}
	a := &automation{Account: id.Account, Region: id.Region, ID: newUUID(), Document: req.DocumentName,
		Parameters: map[string][]string{}, Started: s.opts.Now().UTC()}
	if req.Parameters != nil {
		a.Parameters = *req.Parameters
	}
	s.mu.Lock()
	a.Outcome = s.decideAutomation(a)
	s.automations[s.key(id.Account, id.Region, a.ID)] = a
	s.mu.Unlock()
	if err := s.put(ctx, kindAutomation, s.key(id.Account, id.Region, a.ID), a); err != nil {
		return nil, awswire.NewError(http.StatusInternalServerError, "InternalServerError", "could not store the automation: "+err.Error())
	}
	return map[string]any{"AutomationExecutionId": a.ID}, nil
}

var automationIDPattern = commandIDPattern

func (s *Service) getAutomation(id awswire.Identity, body []byte) (any, *awswire.APIError) {
	var req struct{ AutomationExecutionId string }
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	notFound := clientError("AutomationExecutionNotFoundException", fmt.Sprintf("Automation Execution %s does not exist", req.AutomationExecutionId))
	if !automationIDPattern.MatchString(req.AutomationExecutionId) {
		return nil, notFound
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.automations[s.key(id.Account, id.Region, req.AutomationExecutionId)]
	if !ok {
		return nil, notFound
	}
	now := s.opts.Now().UTC()
	status := "InProgress"
	// Maps are left out when empty: AutomationParameterMap has min 1.
	step := map[string]any{"StepName": "simulatedStep", "Action": "aws:executeScript", "StepStatus": "InProgress",
		"ExecutionStartTime": epoch(a.Started)}
	exec := map[string]any{
		"AutomationExecutionId": a.ID, "DocumentName": a.Document, "DocumentVersion": "1",
		"ExecutionStartTime": epoch(a.Started),
		"Mode":               "Auto", "ExecutedBy": "arn:aws:sts::" + a.Account + ":assumed-role/drsorch/states",
		"StepExecutionsTruncated": false,
	}
	if len(a.Parameters) > 0 {
		exec["Parameters"] = a.Parameters
	}
	if now.Sub(a.Started) >= a.ends() {
		status = a.Status
		step["StepStatus"] = a.Status
		step["ExecutionEndTime"] = epoch(a.Started.Add(a.ends()))
		exec["ExecutionEndTime"] = epoch(a.Started.Add(a.ends()))
		if a.Status != "Success" {
			msg := a.Error
			if msg == "" {
				msg = "Step fails when it is executing. Simulated failure."
			}
			step["FailureMessage"] = msg
			exec["FailureMessage"] = "Step fails when it is Execution. Failed. Step simulatedStep: " + msg
		} else if a.Output != "" {
			step["Outputs"] = map[string][]string{"Output": {a.Output}}
			exec["Outputs"] = map[string][]string{"simulatedStep.Output": {a.Output}}
		}
	}
	exec["AutomationExecutionStatus"] = status
	exec["StepExecutions"] = []any{step}
	return map[string]any{"AutomationExecution": exec}, nil
}

func pluginName(document string) string {
	if document == "AWS-RunShellScript" {
		return "aws:runShellScript"
	}
	return "aws:runDocument"
}

func pluginStatus(invocation string) string {
	switch invocation {
	case "Delayed":
		return "Pending"
	case "Cancelling":
		return "InProgress"
	}
	return invocation
}

func joinOutput(out, errText string) string {
	if errText == "" {
		return out
	}
	return out + "\n----------ERROR-------\n" + errText
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
