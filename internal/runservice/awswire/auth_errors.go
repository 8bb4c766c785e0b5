package awswire

import (
	"encoding/xml"
	"net/http"
)

// Protocol is an AWS wire protocol family; each shapes errors its own way.
type Protocol int

// The protocol families the run service speaks.
const (
	ProtocolJSON  Protocol = iota + 1 // awsJson1.0/1.1 (Step Functions, EventBridge, Service Quotas)
	ProtocolREST                      // restJson1 (DRS)
	ProtocolQuery                     // awsQuery (STS)
	ProtocolEC2                       // ec2 query (EC2): awsQuery requests, EC2's own error document
)

// APIError turns an authentication failure into the error the protocol's
// services answer with. The codes and statuses are those AWS sends:
//   - awsJson services (Coral): MissingAuthenticationTokenException,
//     IncompleteSignatureException, UnrecognizedClientException,
//     InvalidSignatureException (also for an expired signature),
//     ExpiredTokenException;
//     https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html
//   - restJson1 services behind API Gateway answer every authentication
//     failure with 403 and the code in x-amzn-ErrorType;
//     https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
//   - awsQuery (STS): MissingAuthenticationToken, IncompleteSignature,
//     InvalidClientTokenId, SignatureDoesNotMatch (also for an expired
//     signature), and ExpiredTokenException as the STS model defines it;
//     https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
//
// Presigned (query-string) requests are refused as access denied.
func (e *AuthError) APIError(p Protocol) *APIError {
	type shape struct {
		code   string
		status int
	}
	var s shape
	switch p {
	case ProtocolQuery:
		s = map[AuthFailure]shape{
			AuthMissing:      {"MissingAuthenticationToken", http.StatusForbidden},
			AuthIncomplete:   {"IncompleteSignature", http.StatusBadRequest},
			AuthUnknownKey:   {"InvalidClientTokenId", http.StatusForbidden},
			AuthBadSignature: {"SignatureDoesNotMatch", http.StatusForbidden},
			AuthExpired:      {"SignatureDoesNotMatch", http.StatusForbidden},
			AuthExpiredToken: {"ExpiredTokenException", http.StatusBadRequest},
			AuthQueryString:  {"AccessDenied", http.StatusForbidden},
		}[e.Failure]
	case ProtocolEC2:
		// EC2's common client errors:
		// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html#CommonErrors
		s = map[AuthFailure]shape{
			AuthMissing:      {"MissingAuthenticationToken", http.StatusUnauthorized},
			AuthIncomplete:   {"IncompleteSignature", http.StatusBadRequest},
			AuthUnknownKey:   {"AuthFailure", http.StatusUnauthorized},
			AuthBadSignature: {"SignatureDoesNotMatch", http.StatusForbidden},
			AuthExpired:      {"RequestExpired", http.StatusBadRequest},
			AuthExpiredToken: {"RequestExpired", http.StatusBadRequest},
			AuthQueryString:  {"UnauthorizedOperation", http.StatusForbidden},
		}[e.Failure]
	case ProtocolREST:
		s = map[AuthFailure]shape{
			AuthMissing:      {"MissingAuthenticationTokenException", http.StatusForbidden},
			AuthIncomplete:   {"IncompleteSignatureException", http.StatusForbidden},
			AuthUnknownKey:   {"UnrecognizedClientException", http.StatusForbidden},
			AuthBadSignature: {"InvalidSignatureException", http.StatusForbidden},
			AuthExpired:      {"InvalidSignatureException", http.StatusForbidden},
			AuthExpiredToken: {"ExpiredTokenException", http.StatusForbidden},
			AuthQueryString:  {"AccessDeniedException", http.StatusForbidden},
		}[e.Failure]
	default:
		s = map[AuthFailure]shape{
			AuthMissing:      {"MissingAuthenticationTokenException", http.StatusForbidden},
			AuthIncomplete:   {"IncompleteSignatureException", http.StatusBadRequest},
			AuthUnknownKey:   {"UnrecognizedClientException", http.StatusBadRequest},
			AuthBadSignature: {"InvalidSignatureException", http.StatusBadRequest},
			AuthExpired:      {"InvalidSignatureException", http.StatusBadRequest},
			AuthExpiredToken: {"ExpiredTokenException", http.StatusBadRequest},
			AuthQueryString:  {"AccessDeniedException", http.StatusForbidden},
		}[e.Failure]
	}
	if s.code == "" {
		s = shape{"AccessDeniedException", http.StatusForbidden}
	}
	return NewError(s.status, s.code, e.Message)
}

// WriteError writes e in protocol p's shape; contentType is the awsJson
// content type (ignored for the other protocols).
func WriteError(w http.ResponseWriter, p Protocol, contentType string, e *APIError) {
	switch p {
	case ProtocolQuery:
		WriteQueryError(w, e)
	case ProtocolEC2:
		WriteEC2Error(w, w.Header().Get(RequestIDHeader), e)
	case ProtocolREST:
		WriteRESTJSONError(w, e)
	default:
		if contentType == "" {
			contentType = ContentTypeJSON10
		}
		WriteJSONProtocolError(w, contentType, e)
	}
}

// WriteQueryError writes an awsQuery error document:
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>.
func WriteQueryError(w http.ResponseWriter, e *APIError) {
	type errorEl struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	kind := "Sender"
	if e.Status >= 500 {
		kind = "Receiver"
	}
	body, _ := xml.Marshal(struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		Error     errorEl  `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}{Xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", Error: errorEl{kind, e.Code, e.Message}})
	w.Header().Set("Content-Type", "text/xml")
	e.setRetryAfter(w)
	w.WriteHeader(e.Status)
	_, _ = w.Write(append([]byte(xml.Header), body...))
}
