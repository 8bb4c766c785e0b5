package awswire

import (
	"encoding/xml"
	"net/http"
)

// WriteEC2Error writes an error of EC2's query protocol, which differs from
// awsQuery's: <Response><Errors><Error><Code/><Message/></Error></Errors>
// <RequestID/></Response> (RequestID in capitals), status 400 for client
// errors. https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
func WriteEC2Error(w http.ResponseWriter, requestID string, e *APIError) {
	type errorEl struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	body, _ := xml.Marshal(struct {
		XMLName   xml.Name  `xml:"Response"`
		Errors    []errorEl `xml:"Errors>Error"`
		RequestID string    `xml:"RequestID"`
	}{Errors: []errorEl{{e.Code, e.Message}}, RequestID: requestID})
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	e.setRetryAfter(w)
	w.WriteHeader(e.Status)
	_, _ = w.Write(append([]byte(xml.Header), body...))
}
