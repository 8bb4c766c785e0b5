package cost

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestComputeSumsKnownAndListsUnknown(t *testing.T) {
	launches := []Launch{
		{ServerID: "s-1", InstanceType: "m5.large", OS: "Linux", Tenancy: "Shared"},
		{ServerID: "s-2", InstanceType: "m5.large", OS: "Linux", Tenancy: "Shared"},
		{ServerID: "s-3", InstanceType: "r5.large", OS: "Linux", Tenancy: "Shared"},
		{ServerID: "s-4", Unknown: "DRS right-sizing BASIC reports no recommended instance type yet"},
		{ServerID: "s-5", InstanceType: "m5.xlarge", OS: "Windows", Tenancy: "Shared"},
	}
	prices := map[PriceKey]Price{
		{"us-east-1", "m5.large", "Linux", "Shared"}:    {USDPerHour: 0.096, Found: true},
		{"us-east-1", "r5.large", "Linux", "Shared"}:    {USDPerHour: 0.126, Found: true},
		{"us-east-1", "m5.xlarge", "Windows", "Shared"}: {Detail: "no product matches"},
	}
	drill, fromRTO := DrillLength(45 * time.Minute)
	e := Compute("us-east-1", launches, prices, drill, fromRTO)
	if !near(e.PerHour, 0.318) {
		t.Errorf("per hour %v, want 0.318", e.PerHour)
	}
	if !e.DrillFromRTO || e.Drill != 45*time.Minute || !near(e.DrillCost, 0.318*0.75) {
		t.Errorf("drill %v (from RTO %v) costs %v, want 45m from the RTO costing %v", e.Drill, e.DrillFromRTO, e.DrillCost, 0.318*0.75)
	}
	if len(e.Lines) != 3 || e.Lines[0].ServerID != "s-3" {
		t.Errorf("lines %+v, want 3, dearest first", e.Lines)
	}
	if len(e.Unpriced) != 2 {
		t.Fatalf("unpriced %+v, want s-4 and s-5", e.Unpriced)
	}
	if e.Unpriced[0].ServerID != "s-4" || !strings.Contains(e.Unpriced[0].Reason, "right-sizing") {
		t.Errorf("s-4: %+v", e.Unpriced[0])
	}
	if e.Unpriced[1].ServerID != "s-5" || !strings.Contains(e.Unpriced[1].Reason, "Windows m5.xlarge") || !strings.Contains(e.Unpriced[1].Reason, "no product matches") {
		t.Errorf("s-5: %+v", e.Unpriced[1])
	}
}

func TestDrillLengthWithoutRTOIsAnHour(t *testing.T) {
	d, fromRTO := DrillLength(0)
	if d != time.Hour || fromRTO {
		t.Errorf("got %v from RTO %v, want an hour, not from an RTO", d, fromRTO)
	}
	e := Compute("eu-west-1", []Launch{{ServerID: "s-1", InstanceType: "t3.micro", OS: "Linux", Tenancy: "Shared"}},
		map[PriceKey]Price{{"eu-west-1", "t3.micro", "Linux", "Shared"}: {USDPerHour: 0.0114, Found: true}}, d, fromRTO)
	if !near(e.DrillCost, 0.0114) || !near(e.PerHour, 0.0114) {
		t.Errorf("an hour's drill costs %v (per hour %v), want 0.0114", e.DrillCost, e.PerHour)
	}
}

func TestBilling(t *testing.T) {
	for _, c := range []struct {
		d           time.Duration
		os, tenancy string
		want        time.Duration
	}{
		{20 * time.Second, "Linux", "Shared", time.Minute},
		{90 * time.Minute, "Linux", "Shared", 90 * time.Minute},
		{90 * time.Minute, "Linux", "Dedicated", 2 * time.Hour},
		{10 * time.Minute, "Windows", "Shared", time.Hour},
		{2 * time.Hour, "Windows", "Shared", 2 * time.Hour},
	} {
		if got := billed(c.d, c.os, c.tenancy); got != c.want {
			t.Errorf("%v of %s %s is billed %v, want %v", c.d, c.os, c.tenancy, got, c.want)
		}
	}
}

func TestHourlyPrice(t *testing.T) {
	product := func(sku, unit, usd string) string {
		return `{"product":{"sku":"` + sku + `","attributes":{}},"terms":{"OnDemand":{"` + sku + `.JRTCKXETXF":{"priceDimensions":{"` + sku +
			`.JRTCKXETXF.6YS6EN2CT7":{"unit":"` + unit + `","pricePerUnit":{"USD":"` + usd + `"}}}}}}}`
	}
	p, err := hourlyPrice([]string{product("A", "Hrs", "0.0960000000")})
	if err != nil || !p.Found || !near(p.USDPerHour, 0.096) {
		t.Errorf("one product: %+v %v", p, err)
	}
	// The same price twice (two SKUs) is one price.
	if p, _ := hourlyPrice([]string{product("A", "Hrs", "0.0960000000"), product("B", "Hrs", "0.096")}); !p.Found {
		t.Errorf("two SKUs at one price: %+v", p)
	}
	// Different prices are not guessed at.
	p, _ = hourlyPrice([]string{product("A", "Hrs", "0.096"), product("B", "Hrs", "0.1056")})
	if p.Found || !strings.Contains(p.Detail, "different on-demand prices ($0.096, $0.1056)") {
		t.Errorf("two prices: %+v", p)
	}
	if p, _ := hourlyPrice(nil); p.Found || p.Detail != "no product matches" {
		t.Errorf("no product: %+v", p)
	}
	if p, _ := hourlyPrice([]string{product("A", "Quantity", "1.0")}); p.Found {
		t.Errorf("no hourly dimension: %+v", p)
	}
	if _, err := hourlyPrice([]string{"not json"}); err == nil {
		t.Error("a product that is not JSON must fail the read")
	}
	if _, err := hourlyPrice([]string{product("A", "Hrs", "cheap")}); err == nil {
		t.Error("a price that is not a number must fail the read")
	}
}

func TestFiltersNameTheLocation(t *testing.T) {
	got := map[string]string{}
	for _, f := range Filters(PriceKey{"eu-central-1", "m6i.large", "Linux", "Shared"}) {
		got[aws.ToString(f.Field)] = aws.ToString(f.Value)
	}
	want := map[string]string{"instanceType": "m6i.large", "location": "Europe (Frankfurt)", "operatingSystem": "Linux", "tenancy": "Shared",
		"preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("filter %s = %q, want %q", k, got[k], v)
		}
	}
	// A region drsorch does not name is filtered by its code.
	for _, f := range Filters(PriceKey{"xx-new-1", "m6i.large", "Linux", "Shared"}) {
		if aws.ToString(f.Field) == "location" {
			t.Error("an unnamed region must be filtered by regionCode")
		}
	}
}
