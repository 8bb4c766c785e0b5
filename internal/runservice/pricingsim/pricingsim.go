// Package pricingsim serves the part of the AWS Price List Query API
// (service "pricing", awsJson1.1, X-Amz-Target AWSPriceListService.<op>,
// botocore pricing 2017-10-15) that `drsorch console` reads estimates
// from: GetProducts of service code AmazonEC2, over a SIMULATED price list
// of the instance types the EC2 simulator offers (prices.go). Parameters
// are bounded as the model bounds them and refusals use the model's
// errors; the other operations answer UnknownOperationException.
package pricingsim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// TargetPrefix is the Price List API's X-Amz-Target prefix.
const TargetPrefix = "AWSPriceListService"

// SigningName is its SigV4 service name.
const SigningName = "pricing"

// EndpointRegions are the regions the Price List API (service "pricing",
// Query and Bulk operations alike) answers in: api.pricing.us-east-1,
// api.pricing.eu-central-1 and api.pricing.ap-south-1 .amazonaws.com
// (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-ppslong.html;
// the SDK documentation names us-east-1 and ap-south-1), and in China
// cn-northwest-1, which the China guide's examples call
// (https://docs.amazonaws.cn/en_us/awsaccountbilling/latest/aboutv2/using-price-list-query-api.html).
var EndpointRegions = []string{"us-east-1", "eu-central-1", "ap-south-1", "cn-northwest-1"}

// Bounds of GetProductsRequest in the model.
const (
	maxFilters    = 50
	maxFieldChars = 1024
	maxResults    = 100
	defaultPage   = 100
	formatVersion = "aws_v1"
	maxBodyBytes  = 1 << 20
)

var filterTypes = []string{"TERM_MATCH", "EQUALS", "CONTAINS", "ANY_OF", "NONE_OF"}

// Service is the simulated Price List.
type Service struct {
	items []item
}

// New builds the simulated price list.
func New() *Service { return &Service{items: catalog()} }

// ServeHTTP serves AWSPriceListService.<operation>.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(e *awswire.APIError) { awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON11, e) }
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix+".")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		fail(invalid("the request body is unreadable or larger than 1 MiB"))
		return
	}
	id, _ := awswire.IdentityFrom(r.Context())
	out, apiErr := s.Invoke(id, op, body)
	if apiErr != nil {
		fail(apiErr)
		return
	}
	awswire.WriteJSON(w, awswire.ContentTypeJSON11, http.StatusOK, out)
}

// Invoke runs one operation.
func (s *Service) Invoke(id awswire.Identity, operation string, body []byte) (any, *awswire.APIError) {
	if !slices.Contains(EndpointRegions, id.Region) {
		// AWS has no Price List endpoint there; a request signed for
		// another region is refused as any endpoint refuses a foreign
		// credential scope.
		return nil, awswire.NewError(http.StatusForbidden, "InvalidSignatureException",
			fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. The AWS Price List Query API answers in %s: sign for us-east-1.", truncate(id.Region), strings.Join(EndpointRegions, ", ")))
	}
	switch operation {
	case "GetProducts":
		return s.getProducts(body)
	}
	return nil, awswire.NewError(http.StatusBadRequest, "UnknownOperationException",
		"the run service's Price List serves only GetProducts, not "+truncate(operation))
}

type filter struct {
	Type  string `json:"Type"`
	Field string `json:"Field"`
	Value string `json:"Value"`
}

type getProductsInput struct {
	ServiceCode   *string  `json:"ServiceCode"`
	Filters       []filter `json:"Filters"`
	FormatVersion *string  `json:"FormatVersion"`
	NextToken     *string  `json:"NextToken"`
	MaxResults    *int     `json:"MaxResults"`
}

type getProductsOutput struct {
	FormatVersion string   `json:"FormatVersion"`
	PriceList     []string `json:"PriceList"`
	NextToken     string   `json:"NextToken,omitempty"`
}

func (s *Service) getProducts(body []byte) (any, *awswire.APIError) {
	var in getProductsInput
	if len(body) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, invalid("the request is not a GetProducts request: " + err.Error())
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	if *in.ServiceCode != "AmazonEC2" {
		return nil, awswire.NewError(http.StatusBadRequest, "NotFoundException",
			fmt.Sprintf("service code %q: the run service's simulated Price List holds only AmazonEC2", truncate(*in.ServiceCode)))
	}
	query := in.fingerprint()
	after := ""
	if in.NextToken != nil {
		var ok bool
		if after, ok = decodeToken(*in.NextToken, query); !ok {
			return nil, awswire.NewError(http.StatusBadRequest, "InvalidNextTokenException",
				"NextToken is not one this query returned: call again without it, with the same ServiceCode, Filters and FormatVersion")
		}
	}
	limit := defaultPage
	if in.MaxResults != nil {
		limit = *in.MaxResults
	}
	out := getProductsOutput{FormatVersion: formatVersion, PriceList: []string{}}
	last := ""
	for _, it := range s.items {
		if it.sku <= after || !matches(it.attrs, in.Filters) {
			continue
		}
		if len(out.PriceList) == limit {
			out.NextToken = encodeToken(last, query)
			break
		}
		out.PriceList = append(out.PriceList, it.json)
		last = it.sku
	}
	return out, nil
}

func (in getProductsInput) validate() *awswire.APIError {
	if in.ServiceCode == nil || *in.ServiceCode == "" {
		return invalid("ServiceCode is required: use AmazonEC2")
	}
	if len(*in.ServiceCode) > 32 {
		return invalid("ServiceCode is longer than 32 characters")
	}
	if v := in.FormatVersion; v != nil && *v != formatVersion {
		return invalid(fmt.Sprintf("FormatVersion %q is not valid: use aws_v1", truncate(*v)))
	}
	if m := in.MaxResults; m != nil && (*m < 1 || *m > maxResults) {
		return invalid(fmt.Sprintf("MaxResults %d is out of range: use 1 to %d", *m, maxResults))
	}
	if len(in.Filters) > maxFilters {
		return invalid(fmt.Sprintf("%d filters: at most %d are allowed", len(in.Filters), maxFilters))
	}
	for i, f := range in.Filters {
		if !slices.Contains(filterTypes, f.Type) {
			return invalid(fmt.Sprintf("Filters[%d].Type %q is not valid: use one of %s", i, truncate(f.Type), strings.Join(filterTypes, ", ")))
		}
		if f.Field == "" || len(f.Field) > maxFieldChars {
			return invalid(fmt.Sprintf("Filters[%d].Field must be 1 to %d characters", i, maxFieldChars))
		}
		if f.Value == "" || len(f.Value) > maxFieldChars {
			return invalid(fmt.Sprintf("Filters[%d].Value must be 1 to %d characters", i, maxFieldChars))
		}
	}
	return nil
}

// matches applies every filter (they all must match). Field names and
// values compare exactly: the stricter reading, since the API reference
// does not say they are case-insensitive.
func matches(attrs map[string]string, filters []filter) bool {
	for _, f := range filters {
		v, ok := attrs[f.Field]
		if f.Field == "ServiceCode" {
			v, ok = "AmazonEC2", true
		}
		var hit bool
		switch f.Type {
		case "TERM_MATCH", "EQUALS":
			hit = ok && v == f.Value
		case "CONTAINS":
			hit = ok && strings.Contains(v, f.Value)
		case "ANY_OF":
			hit = ok && slices.Contains(splitValues(f.Value), v)
		case "NONE_OF":
			hit = !ok || !slices.Contains(splitValues(f.Value), v)
		}
		if !hit {
			return false
		}
	}
	return true
}

// splitValues reads ANY_OF and NONE_OF values: a comma-separated list.
func splitValues(s string) []string {
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// fingerprint identifies a query, so that a page token of one query is
// refused by another.
func (in getProductsInput) fingerprint() string {
	b, _ := json.Marshal([]any{in.ServiceCode, in.Filters, in.FormatVersion})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Page tokens are opaque to clients and keyset-based (the last SKU given).
func encodeToken(after, query string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1|" + query + "|" + after))
}

func decodeToken(token, query string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 || parts[0] != "v1" || parts[1] != query || parts[2] == "" {
		return "", false
	}
	return parts[2], true
}

func invalid(msg string) *awswire.APIError {
	return awswire.NewError(http.StatusBadRequest, "InvalidParameterException", msg)
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
