package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
)

// invoke sends a task's request to its resource and returns the result
// JSON, or the States error the task fails with.
func (e *Engine) invoke(ctx context.Context, id awswire.Identity, integ asl.Integration, tr taskRun, reconcile bool) ([]byte, *asl.Error) {
	params, err := asl.DecodeJSON(tr.Params)
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrRuntime, Cause: "task parameters: " + err.Error()}
	}
	if ferr := e.taskFault(tr.Resource); ferr != nil {
		return nil, ferr
	}
	switch integ.Service {
	case "drs":
		return e.invokeDRS(ctx, id, integ.Action, params, tr, reconcile)
	case "servicequotas":
		return e.invokeQuotas(ctx, id, integ.Action, params)
	case "ssm":
		return e.invokeSSM(ctx, id, integ.Action, params)
	case "events":
		if integ.Action != "putEvents" {
			break
		}
		return e.invokePutEvents(ctx, id, params)
	}
	return nil, &asl.Error{Name: asl.ErrRuntime, Cause: fmt.Sprintf("the run service cannot call Task resource %s", tr.Resource)}
}

// drsExceptions are the error shapes of DRS's service model
// (botocore data/drs/2020-02-26/service-2.json). An SDK integration
// surfaces any other error code as <Service>.<Service>Exception
// (Drs.DrsException), as Step Functions does for errors the SDK does not
// model (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
var drsExceptions = map[string]bool{
	"AccessDeniedException": true, "ConflictException": true, "InternalServerException": true,
	"ResourceNotFoundException": true, "ServiceQuotaExceededException": true, "ThrottlingException": true,
	"UninitializedAccountException": true, "ValidationException": true,
}

// nonIdempotentDRS are the DRS actions that must never be sent twice: a
// resumed task reconciles with DRS before sending them again.
var nonIdempotentDRS = map[string]bool{"startRecovery": true, "terminateRecoveryInstances": true}

func (e *Engine) invokeDRS(ctx context.Context, id awswire.Identity, action string, params any, tr taskRun, reconcile bool) ([]byte, *asl.Error) {
	if e.opts.DRS == nil {
		return nil, &asl.Error{Name: "Drs.ServiceUnavailableException", Cause: "the run service has no DRS to call"}
	}
	if action == "" {
		return nil, &asl.Error{Name: asl.ErrRuntime, Cause: "empty DRS action in " + tr.Resource}
	}
	operation := strings.ToUpper(action[:1]) + action[1:]
	if nonIdempotentDRS[action] {
		return e.sendOnce(ctx, id, action, operation, params, tr, reconcile) // reconcile.go
	}
	return e.callDRS(ctx, id, operation, params)
}

// callDRS sends one DRS operation: PascalCase parameters become the wire's
// camelCase members and the answer comes back PascalCase, as Step
// Functions' SDK integrations do.
func (e *Engine) callDRS(ctx context.Context, id awswire.Identity, operation string, params any) ([]byte, *asl.Error) {
	body, err := json.Marshal(convertKeys(params, lowerFirst, ""))
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
	}
	resp, err := e.opts.DRS.Invoke(ctx, id, operation, body)
	if err != nil {
		var apiErr *awswire.APIError
		if errors.As(err, &apiErr) {
			// The cause reads as Step Functions writes SDK integration errors.
			name := "Drs." + apiErr.Code
			if !drsExceptions[apiErr.Code] {
				// Outside DRS's model the SDK has no exception type: Step
				// Functions reports the service's generic one.
				name = "Drs.DrsException"
			}
			return nil, &asl.Error{Name: name, Cause: fmt.Sprintf("%s (Service: Drs, Status Code: %d, Error Code: %s, Request ID: %s)",
				apiErr.Message, apiErr.Status, apiErr.Code, newUUID())}
		}
		return nil, &asl.Error{Name: "Drs.SdkClientException", Cause: err.Error()}
	}
	if len(resp) == 0 {
		return []byte("{}"), nil
	}
	v, err := asl.DecodeJSON(resp)
	if err != nil {
		return nil, &asl.Error{Name: "Drs.SdkClientException", Cause: "DRS answered with invalid JSON: " + err.Error()}
	}
	out, err := asl.EncodeJSON(convertKeys(v, upperFirst, ""))
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
	}
	return out, nil
}

// mapMembers are the DRS members whose type is a map: their keys (tag
// keys, volume names) are data and keep their case; the number is how many
// levels of map keys are kept (VolumeToConversionMap holds maps).
var mapMembers = map[string]int{
	"tags": 1, "stagingAreaTags": 1, "volumeToVolumeSize": 1, "volumeToConversionMap": 2,
	"parameters": 1, "volumeToProductCodes": 1,
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// convertKeys renames object keys recursively with rename, keeping the keys
// of map-typed members.
func convertKeys(v any, rename func(string) string, _ string) any {
	return convert(v, rename, 0)
}

func convert(v any, rename func(string) string, keepLevels int) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, val := range v {
			if keepLevels > 0 {
				out[k] = convert(val, rename, keepLevels-1)
				continue
			}
			out[rename(k)] = convert(val, rename, mapMembers[lowerFirst(k)])
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, val := range v {
			out[i] = convert(val, rename, keepLevels)
		}
		return out
	}
	return v
}

// quotaExceptions are the error shapes of Service Quotas' model (botocore
// service-quotas 2019-06-24) its read operations answer; others surface
// as ServiceQuotas.ServiceQuotasException, as for DRS above.
var quotaExceptions = map[string]bool{
	"AccessDeniedException": true, "IllegalArgumentException": true, "InvalidPaginationTokenException": true,
	"NoSuchResourceException": true, "ServiceException": true, "TooManyRequestsException": true,
}

// invokeQuotas is arn:aws:states:::aws-sdk:servicequotas:<action>. Service
// Quotas speaks awsJson1.1, whose members are PascalCase already, so
// parameters and results pass as they are.
func (e *Engine) invokeQuotas(ctx context.Context, id awswire.Identity, action string, params any) ([]byte, *asl.Error) {
	if e.opts.Quotas == nil {
		return nil, &asl.Error{Name: "ServiceQuotas.ServiceException", Cause: "the run service has no Service Quotas to call"}
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
	}
	resp, err := e.opts.Quotas.Invoke(ctx, id, upperFirst(action), body)
	if err != nil {
		var apiErr *awswire.APIError
		if errors.As(err, &apiErr) {
			name := "ServiceQuotas." + apiErr.Code
			if !quotaExceptions[apiErr.Code] {
				name = "ServiceQuotas.ServiceQuotasException"
			}
			return nil, &asl.Error{Name: name, Cause: fmt.Sprintf("%s (Service: ServiceQuotas, Status Code: %d, Error Code: %s, Request ID: %s)",
				apiErr.Message, apiErr.Status, apiErr.Code, newUUID())}
		}
		return nil, &asl.Error{Name: "ServiceQuotas.SdkClientException", Cause: err.Error()}
	}
	if len(resp) == 0 {
		return []byte("{}"), nil
	}
	v, err := asl.DecodeJSON(resp)
	if err != nil {
		return nil, &asl.Error{Name: "ServiceQuotas.SdkClientException", Cause: "Service Quotas answered with invalid JSON: " + err.Error()}
	}
	out, err := asl.EncodeJSON(v)
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
	}
	return out, nil
}

// invokePutEvents is arn:aws:states:::events:putEvents: Detail may be a
// JSON object, which Step Functions serialises.
func (e *Engine) invokePutEvents(ctx context.Context, id awswire.Identity, params any) ([]byte, *asl.Error) {
	if e.opts.Events == nil {
		return nil, &asl.Error{Name: "EventBridge.InternalException", Cause: "the run service has no EventBridge"}
	}
	obj, _ := params.(map[string]any)
	list, _ := obj["Entries"].([]any)
	if len(list) == 0 {
		return nil, &asl.Error{Name: "EventBridge.ValidationException", Cause: "Parameters must have an Entries array with 1 to 10 entries"}
	}
	entries := make([]events.Entry, 0, len(list))
	for _, item := range list {
		m, _ := item.(map[string]any)
		var ent events.Entry
		ent.Source, _ = m["Source"].(string)
		ent.DetailType, _ = m["DetailType"].(string)
		ent.EventBusName, _ = m["EventBusName"].(string)
		switch d := m["Detail"].(type) {
		case string:
			ent.Detail = d
		case nil:
		default:
			b, err := asl.EncodeJSON(d)
			if err != nil {
				return nil, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
			}
			ent.Detail = string(b)
		}
		if rs, ok := m["Resources"].([]any); ok {
			for _, r := range rs {
				if s, ok := r.(string); ok {
					ent.Resources = append(ent.Resources, s)
				}
			}
		}
		entries = append(entries, ent)
	}
	results, err := e.opts.Events.Put(ctx, id, entries)
	if errors.Is(err, events.ErrEntriesTooLarge) {
		return nil, &asl.Error{Name: "EventBridge.ValidationException", Cause: err.Error()}
	}
	if err != nil {
		return nil, &asl.Error{Name: "EventBridge.InternalException", Cause: err.Error()}
	}
	failed := 0
	outEntries := make([]any, len(results))
	for i, r := range results {
		if r.ErrorCode != "" {
			failed++
			outEntries[i] = map[string]any{"ErrorCode": r.ErrorCode, "ErrorMessage": r.ErrorMessage}
		} else {
			outEntries[i] = map[string]any{"EventId": r.EventID}
		}
	}
	out, _ := asl.EncodeJSON(map[string]any{"Entries": outEntries, "FailedEntryCount": int64(failed)})
	if failed > 0 {
		return nil, &asl.Error{Name: "EventBridge.FailedEntry", Cause: string(out)}
	}
	return out, nil
}
