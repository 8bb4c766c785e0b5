package drssim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// QuotasTargetPrefix is the X-Amz-Target prefix of Service Quotas.
const QuotasTargetPrefix = "ServiceQuotasV20190624"

type serviceQuota struct {
	ServiceCode string  `json:"ServiceCode"`
	ServiceName string  `json:"ServiceName"`
	QuotaArn    string  `json:"QuotaArn"`
	QuotaCode   string  `json:"QuotaCode"`
	QuotaName   string  `json:"QuotaName"`
	Value       float64 `json:"Value"`
	Unit        string  `json:"Unit"`
	Adjustable  bool    `json:"Adjustable"`
	GlobalQuota bool    `json:"GlobalQuota"`
	AppliedAt   string  `json:"QuotaAppliedAtLevel"`
}

// QuotasHandler serves Service Quotas (awsJson1.1) for service code
// "drs": GetServiceQuota, GetAWSDefaultServiceQuota, ListServiceQuotas.
// Quotas are per estate (account and region), with inventory overrides.
func (s *Simulator) QuotasHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
		id, _ := awswire.IdentityFrom(r.Context())
		out, apiErr := s.serviceQuotas(id, op, body)
		if apiErr != nil {
			awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON11, apiErr)
			return
		}
		awswire.WriteJSON(w, awswire.ContentTypeJSON11, http.StatusOK, out)
	})
}

// QuotasInvoker serves Service Quotas to the run service's Step Functions
// engine in process (aws-sdk:servicequotas tasks), as QuotasHandler does
// over HTTP.
func (s *Simulator) QuotasInvoker() QuotasInvoker { return QuotasInvoker{s} }

// QuotasInvoker calls the simulator's Service Quotas.
type QuotasInvoker struct{ s *Simulator }

// Invoke runs one Service Quotas operation (awsJson1.1 body).
func (q QuotasInvoker) Invoke(_ context.Context, id awswire.Identity, operation string, body []byte) ([]byte, error) {
	out, apiErr := q.s.serviceQuotas(id, operation, body)
	if apiErr != nil {
		return nil, apiErr
	}
	return json.Marshal(out)
}

func sqError(code, msg string) *awswire.APIError {
	return awswire.NewError(http.StatusBadRequest, code, msg).With("Message", msg)
}

func (s *Simulator) serviceQuotas(id awswire.Identity, op string, body []byte) (any, *awswire.APIError) {
	s.count("servicequotas:" + op)
	switch op {
	case "GetServiceQuota", "GetAWSDefaultServiceQuota", "ListServiceQuotas":
	default:
		return nil, awswire.NewError(http.StatusBadRequest, "UnknownOperationException",
			fmt.Sprintf("the run service's Service Quotas does not serve %q (served: GetServiceQuota, GetAWSDefaultServiceQuota, ListServiceQuotas)", op))
	}
	var req struct {
		ServiceCode string  `json:"ServiceCode"`
		QuotaCode   string  `json:"QuotaCode"`
		MaxResults  *int    `json:"MaxResults"`
		NextToken   *string `json:"NextToken"`
		ContextID   string  `json:"ContextId"`
		AppliedAt   string  `json:"QuotaAppliedAtLevel"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, sqError("IllegalArgumentException", "request body is not valid JSON: "+err.Error())
		}
	}
	if req.ServiceCode == "" {
		return nil, sqError("IllegalArgumentException", "ServiceCode is required (the DRS service code is drs)")
	}
	if req.ServiceCode != "drs" {
		return nil, sqError("NoSuchResourceException", fmt.Sprintf("the run service knows the quotas of service code drs only, not %q", req.ServiceCode))
	}
	account := id.Account
	if account == "" {
		account = awswire.DefaultAccount
	}
	e, regionErr := s.estateFor(estateKey{account, id.Region})
	if regionErr != nil {
		return nil, regionErr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	view := func(q quotaDef, value int) serviceQuota {
		return serviceQuota{ServiceCode: "drs", ServiceName: "AWS Elastic Disaster Recovery",
			QuotaArn: "arn:" + drsapi.PartitionOf(id.Region) + ":servicequotas:" + id.Region + ":" + account + ":drs/" + q.Code, QuotaCode: q.Code,
			QuotaName: q.Name, Value: float64(value), Unit: "None", Adjustable: q.Adjustable, AppliedAt: "ACCOUNT"}
	}
	switch op {
	case "GetServiceQuota", "GetAWSDefaultServiceQuota":
		q, ok := quotaByCode(req.QuotaCode)
		if !ok {
			return nil, sqError("NoSuchResourceException", fmt.Sprintf("drs has no quota %q (known: %s)", req.QuotaCode, strings.Join(quotaCodes(), ", ")))
		}
		value := q.Default
		if op == "GetServiceQuota" {
			value = e.quota(q.Code)
		}
		return map[string]any{"Quota": view(q, value)}, nil
	case "ListServiceQuotas":
		size := 100
		if req.MaxResults != nil {
			if *req.MaxResults < 1 || *req.MaxResults > 100 {
				return nil, sqError("IllegalArgumentException", fmt.Sprintf("MaxResults %d is out of range: use 1 to 100", *req.MaxResults))
			}
			size = *req.MaxResults
		}
		var all []serviceQuota
		for _, q := range quotaDefs {
			if req.QuotaCode == "" || req.QuotaCode == q.Code {
				all = append(all, view(q, e.quota(q.Code)))
			}
		}
		from := 0
		if req.NextToken != nil && *req.NextToken != "" {
			n, err := decodeToken("ListServiceQuotas", *req.NextToken)
			if err != nil {
				return nil, sqError("InvalidPaginationTokenException", "NextToken is not a token ListServiceQuotas returned")
			}
			from = min(int(n)+1, len(all))
		}
		to := min(from+size, len(all))
		out := map[string]any{"Quotas": all[from:to]}
		if to < len(all) {
			out["NextToken"] = encodeToken("ListServiceQuotas", int64(to-1))
		}
		return out, nil
	}
	return nil, awswire.NewError(http.StatusBadRequest, "UnknownOperationException",
		fmt.Sprintf("the run service's Service Quotas does not serve %q (served: GetServiceQuota, GetAWSDefaultServiceQuota, ListServiceQuotas)", op))
}
