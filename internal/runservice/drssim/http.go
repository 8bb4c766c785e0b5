package drssim

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// maxBody bounds a request body; DRS requests are small.
const maxBody = 4 << 20

// RESTHandler serves the DRS restJson1 API. It is a thin layer over the
// code path of Invoke: it only maps the HTTP binding (method, path, query)
// to an operation name and a JSON body.
func (s *Simulator) RESTHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, body, apiErr := bindREST(r)
		if apiErr != nil {
			awswire.WriteRESTJSONError(w, apiErr)
			return
		}
		id, _ := awswire.IdentityFrom(r.Context())
		status, out, apiErr := s.call(r.Context(), id, name, body)
		if apiErr == errClientFault {
			awswire.ResetConnection(w)
			return
		}
		if apiErr != nil {
			awswire.WriteRESTJSONError(w, apiErr)
			return
		}
		if s.loseAnswer(id, name) {
			breakConnection(w)
			return
		}
		if out == nil {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(status)
		_, _ = w.Write(out)
	})
}

// bindREST turns a restJson1 request into (operation, JSON body).
func bindREST(r *http.Request) (string, []byte, *awswire.APIError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return "", nil, validationError(reasonCannotParse, "could not read the request body: "+err.Error())
	}
	if len(body) > maxBody {
		return "", nil, validationError(reasonOther, "request body is larger than 4 MiB")
	}
	path := r.URL.Path
	if arn, ok := strings.CutPrefix(path, "/tags/"); ok {
		return bindTags(r, arn, body)
	}
	name := strings.TrimPrefix(path, "/")
	if _, known := operations[name]; !known || strings.Contains(name, "/") {
		return "", nil, awswire.NewError(http.StatusNotFound, "UnknownOperationException",
			"the DRS simulator serves no operation at "+r.Method+" "+path)
	}
	want := http.MethodPost
	if name == "ListStagingAccounts" {
		want = http.MethodGet
		q := r.URL.Query()
		m := map[string]any{}
		if v := q.Get("maxResults"); v != "" {
			m["maxResults"] = json.Number(v)
		}
		if v := q.Get("nextToken"); v != "" {
			m["nextToken"] = v
		}
		body, _ = json.Marshal(m)
	}
	if r.Method != want {
		return "", nil, awswire.NewError(http.StatusMethodNotAllowed, "UnknownOperationException",
			name+" is served on "+want+" /"+name+", not "+r.Method)
	}
	return name, body, nil
}

func bindTags(r *http.Request, arn string, body []byte) (string, []byte, *awswire.APIError) {
	switch r.Method {
	case http.MethodGet:
		b, _ := json.Marshal(map[string]any{"resourceArn": arn})
		return "ListTagsForResource", b, nil
	case http.MethodPost:
		var req map[string]json.RawMessage
		if len(strings.TrimSpace(string(body))) == 0 {
			req = map[string]json.RawMessage{}
		} else if err := json.Unmarshal(body, &req); err != nil {
			return "", nil, decodeError(err)
		}
		req["resourceArn"], _ = json.Marshal(arn)
		b, _ := json.Marshal(req)
		return "TagResource", b, nil
	case http.MethodDelete:
		keys := r.URL.Query()["tagKeys"]
		b, _ := json.Marshal(map[string]any{"resourceArn": arn, "tagKeys": keys})
		return "UntagResource", b, nil
	}
	return "", nil, awswire.NewError(http.StatusMethodNotAllowed, "UnknownOperationException",
		"tags are served on GET, POST and DELETE /tags/{resourceArn}, not "+r.Method)
}
