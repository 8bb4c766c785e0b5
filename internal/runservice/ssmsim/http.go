package ssmsim

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

const maxRequestBytes = 1 << 20

// ServeHTTP serves AmazonSSM.<operation> (awsJson1.1).
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(e *awswire.APIError) { awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON11, e) }
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix+".")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil || len(body) > maxRequestBytes {
		fail(clientError("ValidationException", "request body is unreadable or larger than 1 MiB"))
		return
	}
	id, _ := awswire.IdentityFrom(r.Context())
	out, err := s.Invoke(r.Context(), id, op, body)
	if err != nil {
		var apiErr *awswire.APIError
		if !errors.As(err, &apiErr) {
			apiErr = awswire.NewError(http.StatusInternalServerError, "InternalServerError", err.Error())
		}
		fail(apiErr)
		return
	}
	w.Header().Set("Content-Type", awswire.ContentTypeJSON11)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}
