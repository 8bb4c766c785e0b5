package drssim

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// Requests signed for made-up regions are refused as AWS refuses a credential
// scope it does not serve, and leave no estate behind (each estate stays in
// memory for the life of the process: 300 such requests once cost 58 MB).
func TestUnknownRegionsCreateNoEstate(t *testing.T) {
	st, err := store.Open(store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := simclock.New(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), 0)
	defer clock.Close()
	s, err := New(Options{Store: st, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	before := len(s.allEstates())
	bad := []string{"xx-fake-1", "us-east-99", "US-EAST-1", "us-east-1 ", "cn-north-1", "../../etc", "a"}
	for i := range 300 {
		bad = append(bad, fmt.Sprintf("zz-region-%d", i))
	}
	for _, region := range bad {
		id := awswire.Identity{Account: awswire.DefaultAccount, Region: region}
		for _, op := range []string{"DescribeJobs", "InitializeService"} {
			_, err := s.Invoke(context.Background(), id, op, nil)
			ae, ok := err.(*awswire.APIError)
			if !ok || ae.Code != "InvalidSignatureException" || ae.Status != 403 {
				t.Fatalf("%s in region %q: err = %v, want 403 InvalidSignatureException", op, region, err)
			}
		}
		if _, ae := s.serviceQuotas(id, "ListServiceQuotas", []byte(`{"ServiceCode":"drs"}`)); ae == nil || ae.Code != "InvalidSignatureException" {
			t.Fatalf("ListServiceQuotas in region %q: %v, want InvalidSignatureException", region, ae)
		}
		if err := s.SetFaults(Estate{Region: region}, Faults{}); err == nil {
			t.Fatalf("SetFaults accepted region %q", region)
		}
	}
	if after := len(s.allEstates()); after != before {
		t.Fatalf("estates: %d before, %d after requests for unknown regions", before, after)
	}
	// Every region DRS is offered in still works, GovCloud included.
	for _, region := range []string{"us-east-1", "eu-west-1", "us-gov-west-1", "ap-southeast-4"} {
		id := awswire.Identity{Account: awswire.DefaultAccount, Region: region}
		if _, err := s.Invoke(context.Background(), id, "InitializeService", nil); err != nil {
			t.Fatalf("InitializeService in %s: %v", region, err)
		}
	}
}

// JSON cannot carry NaN or infinities, but Advance's check refuses them for
// in-process callers too.
func TestCheckAdvance(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1e-9, 1e308, maxAdvance.Seconds() + 1} {
		if err := checkAdvance(&v); err == nil {
			t.Errorf("checkAdvance(%v) accepted it", v)
		}
	}
	for _, v := range []float64{0, 0.5, 3600, maxAdvance.Seconds()} {
		if err := checkAdvance(&v); err != nil {
			t.Errorf("checkAdvance(%v): %v", v, err)
		}
	}
	if checkAdvance(nil) == nil {
		t.Error("checkAdvance(nil) accepted it")
	}
}
