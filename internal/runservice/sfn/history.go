package sfn

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
)

// maxHistoryEvents is Step Functions' limit of events per standard execution.
const maxHistoryEvents = 25000

// maxPayload is Step Functions' 256 KiB limit on state input and output.
const maxPayload = asl.MaxPayloadBytes

// Event details, with the model's member names.
type (
	dataDetails struct {
		Truncated bool `json:"truncated"`
	}
	stateEnteredDetails struct {
		Name         string       `json:"name"`
		Input        string       `json:"input"`
		InputDetails *dataDetails `json:"inputDetails,omitempty"`
	}
	stateExitedDetails struct {
		Name          string       `json:"name"`
		Output        string       `json:"output"`
		OutputDetails *dataDetails `json:"outputDetails,omitempty"`
	}
	executionStartedDetails struct {
		Input        string       `json:"input"`
		InputDetails *dataDetails `json:"inputDetails,omitempty"`
		RoleArn      string       `json:"roleArn"`
	}
	executionSucceededDetails struct {
		Output        string       `json:"output"`
		OutputDetails *dataDetails `json:"outputDetails,omitempty"`
	}
	errorDetails struct {
		Error string `json:"error,omitempty"`
		Cause string `json:"cause,omitempty"`
	}
	taskScheduledDetails struct {
		ResourceType       string `json:"resourceType"`
		Resource           string `json:"resource"`
		Region             string `json:"region"`
		Parameters         string `json:"parameters"`
		TimeoutInSeconds   *int64 `json:"timeoutInSeconds,omitempty"`
		HeartbeatInSeconds *int64 `json:"heartbeatInSeconds,omitempty"`
	}
	taskDetails struct {
		ResourceType  string       `json:"resourceType"`
		Resource      string       `json:"resource"`
		Output        *string      `json:"output,omitempty"`
		OutputDetails *dataDetails `json:"outputDetails,omitempty"`
		Error         string       `json:"error,omitempty"`
		Cause         string       `json:"cause,omitempty"`
	}
	mapStartedDetails struct {
		Length int `json:"length"`
	}
	mapIterationDetails struct {
		Name  string `json:"name"`
		Index int    `json:"index"`
	}
)

var notTruncated = &dataDetails{}

// epochSeconds renders a time as the JSON protocols' timestamp: epoch
// seconds with millisecond precision.
func epochSeconds(t time.Time) json.Number {
	ms := t.UnixMilli()
	return json.Number(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64))
}

// emit appends a history event produced by thread t (nil: the execution
// itself) and returns its id.
func (x *execution) emit(b *batch, t *thread, typ, detailsKey string, details any) int64 {
	x.rt.LastEventID++
	id := x.rt.LastEventID
	var prev int64
	if t != nil {
		prev = t.LastEvent
		t.LastEvent = id
	} else if id > 1 {
		prev = id - 1
	}
	body := map[string]any{
		"timestamp":       epochSeconds(b.now),
		"type":            typ,
		"id":              id,
		"previousEventId": prev,
	}
	if detailsKey != "" {
		body[detailsKey] = details
	}
	raw, err := json.Marshal(body)
	if err != nil {
		raw = []byte(`{}`)
	}
	x.events = append(x.events, pendingEvent{id: id, body: raw})
	b.touch(x)
	return id
}

// stateEventPrefix maps a state type to its history event prefix.
var stateEventPrefix = map[string]string{
	"Pass": "PassState", "Task": "TaskState", "Choice": "ChoiceState", "Wait": "WaitState",
	"Succeed": "SucceedState", "Fail": "FailState", "Parallel": "ParallelState", "Map": "MapState",
}

// encodePayload encodes a state's input, output or parameters; tooBig says it
// exceeds maxPayload. Values certainly too big are refused before encoding
// (a value may hold the same large subtree many times over).
func encodePayload(v any) (enc []byte, tooBig bool, err error) {
	if asl.EncodedSizeExceeds(v, maxPayload) {
		return nil, true, nil
	}
	enc, err = asl.EncodeJSON(v)
	return enc, err == nil && len(enc) > maxPayload, err
}
