package pricingsim

import (
	"encoding/json"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ec2sim"
)

var east = awswire.Identity{Region: "us-east-1", Service: SigningName}

func filters(kv ...string) []filter {
	var out []filter
	for i := 0; i < len(kv); i += 2 {
		out = append(out, filter{Type: "TERM_MATCH", Field: kv[i], Value: kv[i+1]})
	}
	return out
}

func call(t *testing.T, s *Service, id awswire.Identity, in map[string]any) (getProductsOutput, *awswire.APIError) {
	t.Helper()
	b, _ := json.Marshal(in)
	out, err := s.Invoke(id, "GetProducts", b)
	if err != nil {
		return getProductsOutput{}, err
	}
	return out.(getProductsOutput), nil
}

// The six filters a cost estimate uses leave one product: its on-demand
// hourly price.
func TestOneProductPerEstimateQuery(t *testing.T) {
	s := New()
	out, err := call(t, s, east, map[string]any{"ServiceCode": "AmazonEC2", "Filters": filters(
		"instanceType", "m5.large", "location", "US East (N. Virginia)", "operatingSystem", "Linux",
		"tenancy", "Shared", "preInstalledSw", "NA", "capacitystatus", "Used")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.PriceList) != 1 {
		t.Fatalf("got %d products, want 1", len(out.PriceList))
	}
	var p product
	if err := json.Unmarshal([]byte(out.PriceList[0]), &p); err != nil {
		t.Fatal(err)
	}
	for _, term := range p.Terms["OnDemand"] {
		for _, d := range term.PriceDimensions {
			if d.Unit != "Hrs" || d.PricePerUnit["USD"] != "0.0960000000" {
				t.Errorf("price dimension %+v, want 0.0960000000 USD per Hrs", d)
			}
		}
	}
	// Without tenancy and capacitystatus the variants come back too.
	out, _ = call(t, s, east, map[string]any{"ServiceCode": "AmazonEC2", "Filters": filters("instanceType", "m5.large", "regionCode", "us-east-1")})
	if len(out.PriceList) != len(simulatedVariants) {
		t.Errorf("got %d products without tenancy/capacitystatus, want %d", len(out.PriceList), len(simulatedVariants))
	}
}

func TestPagesAndTokens(t *testing.T) {
	s := New()
	q := map[string]any{"ServiceCode": "AmazonEC2", "MaxResults": 3, "Filters": filters("regionCode", "eu-west-1")}
	seen := map[string]bool{}
	for page := 0; ; page++ {
		out, err := call(t, s, east, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.PriceList {
			if seen[p] {
				t.Fatal("a product came twice")
			}
			seen[p] = true
		}
		if out.NextToken == "" {
			break
		}
		q["NextToken"] = out.NextToken
	}
	if want := len(simulatedLinuxUSEast1) * len(simulatedVariants); len(seen) != want {
		t.Errorf("paged through %d products, want %d", len(seen), want)
	}
	// A token of another query is refused.
	_, err := call(t, s, east, map[string]any{"ServiceCode": "AmazonEC2", "NextToken": q["NextToken"], "Filters": filters("regionCode", "us-east-1")})
	if q["NextToken"] == nil {
		t.Fatal("no page token was returned")
	}
	if err == nil || err.Code != "InvalidNextTokenException" {
		t.Errorf("token of another query: got %v, want InvalidNextTokenException", err)
	}
}

func TestRefusals(t *testing.T) {
	s := New()
	for _, c := range []struct {
		id   awswire.Identity
		in   map[string]any
		code string
	}{
		{east, map[string]any{}, "InvalidParameterException"},
		{east, map[string]any{"ServiceCode": "AmazonEC2", "MaxResults": 0}, "InvalidParameterException"},
		{east, map[string]any{"ServiceCode": "AmazonEC2", "FormatVersion": "aws_v2"}, "InvalidParameterException"},
		{east, map[string]any{"ServiceCode": "AmazonEC2", "Filters": []filter{{Type: "LIKE", Field: "a", Value: "b"}}}, "InvalidParameterException"},
		{east, map[string]any{"ServiceCode": "AmazonEC2", "Filters": []filter{{Type: "EQUALS", Field: "a", Value: ""}}}, "InvalidParameterException"},
		{east, map[string]any{"ServiceCode": "AmazonEC2", "Surprise": 1}, "InvalidParameterException"},
		{east, map[string]any{"ServiceCode": "AmazonRDS"}, "NotFoundException"},
		{awswire.Identity{Region: "us-west-2"}, map[string]any{"ServiceCode": "AmazonEC2"}, "InvalidSignatureException"},
	} {
		_, err := call(t, s, c.id, c.in)
		if err == nil || err.Code != c.code {
			t.Errorf("%v in %s: got %v, want %s", c.in, c.id.Region, err, c.code)
		}
	}
	if _, err := s.Invoke(east, "DescribeServices", []byte("{}")); err == nil || err.Code != "UnknownOperationException" {
		t.Errorf("DescribeServices: got %v, want UnknownOperationException", err)
	}
	if out, _ := call(t, s, east, map[string]any{"ServiceCode": "AmazonEC2", "Filters": filters("regionCode", "me-central-1")}); len(out.PriceList) != 0 {
		t.Errorf("a region without simulated prices has %d products, want none", len(out.PriceList))
	}
}

// Every instance type the EC2 simulator offers by default has a simulated
// price, so the demo estate's estimates leave nothing unpriced for want of
// data.
func TestEverySimulatedTypeIsPriced(t *testing.T) {
	for _, itype := range ec2sim.DefaultNetwork("us-east-1").InstanceTypes {
		if _, ok := simulatedLinuxUSEast1[itype]; !ok {
			t.Errorf("%s is offered by the EC2 simulator but has no simulated price", itype)
		}
		if _, ok := simulatedSizes[itype]; !ok {
			t.Errorf("%s has no simulated vCPU and memory", itype)
		}
	}
}
