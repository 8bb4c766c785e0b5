package awswire

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// APIError is an error in the shape the AWS service models define: a code
// (the exception shape's name), an HTTP status, a message and the
// exception's other members.
type APIError struct {
	Code    string
	Status  int
	Message string
	Fields  map[string]any // extra members of the exception shape
	// RetryAfterSeconds, when set, is also sent as a Retry-After header.
	RetryAfterSeconds int
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// NewError builds an APIError.
func NewError(status int, code, message string) *APIError {
	return &APIError{Code: code, Status: status, Message: message}
}

// With adds an exception member.
func (e *APIError) With(key string, value any) *APIError {
	if e.Fields == nil {
		e.Fields = map[string]any{}
	}
	e.Fields[key] = value
	return e
}

func (e *APIError) body(typeKey string) map[string]any {
	body := map[string]any{"message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	if typeKey != "" {
		body[typeKey] = e.Code
	}
	return body
}

func (e *APIError) setRetryAfter(w http.ResponseWriter) {
	if e.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfterSeconds))
	}
}

// WriteRESTJSONError writes a restJson1 error: the code in X-Amzn-ErrorType
// and the members in the body.
func WriteRESTJSONError(w http.ResponseWriter, e *APIError) {
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	e.setRetryAfter(w)
	writeJSON(w, "application/json", e.Status, e.body(""))
}

// WriteJSONProtocolError writes an awsJson1.0/1.1 error: the code in
// __type, the status from the model (400 for client errors).
func WriteJSONProtocolError(w http.ResponseWriter, contentType string, e *APIError) {
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	e.setRetryAfter(w)
	writeJSON(w, contentType, e.Status, e.body("__type"))
}

// WriteJSON writes a JSON body with the given status.
func WriteJSON(w http.ResponseWriter, contentType string, status int, v any) {
	writeJSON(w, contentType, status, v)
}

func writeJSON(w http.ResponseWriter, contentType string, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"message":"response encoding failed"}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Content types of the JSON protocols.
const (
	ContentTypeJSON10 = "application/x-amz-json-1.0"
	ContentTypeJSON11 = "application/x-amz-json-1.1"
)
