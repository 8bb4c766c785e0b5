package wirefault

import "testing"

func TestCountAfterAndMatching(t *testing.T) {
	var in Injector
	if err := in.Set([]Rule{{Service: "drs", Operation: "StartRecovery", Kind: KindStatus, Status: 503, After: 1, Count: 2}}); err != nil {
		t.Fatal(err)
	}
	var got []bool
	for i := 0; i < 5; i++ {
		_, fail := in.Decide("drs", "StartRecovery")
		got = append(got, fail)
		if _, other := in.Decide("drs", "DescribeJobs"); other {
			t.Fatal("another operation failed")
		}
	}
	want := []bool{false, true, true, false, false}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("decisions %v, want %v", got, want)
		}
	}
	if f, _ := in.Decide("states", "StartRecovery"); f.Kind != "" {
		t.Fatal("other service matched")
	}
}

func TestProbabilityIsSeededAndDeterministic(t *testing.T) {
	run := func(seed int64) []bool {
		var in Injector
		if err := in.Set([]Rule{{Kind: KindReset, Probability: 0.3, Seed: seed}}); err != nil {
			t.Fatal(err)
		}
		var out []bool
		for i := 0; i < 1000; i++ {
			_, f := in.Decide("sts", "AssumeRole")
			out = append(out, f)
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	n, same, diff := 0, true, false
	for i := range a {
		if a[i] {
			n++
		}
		same = same && a[i] == b[i]
		diff = diff || a[i] != c[i]
	}
	if !same || !diff {
		t.Fatalf("same seed same draws: %v; other seed other draws: %v", same, diff)
	}
	if n < 250 || n > 350 {
		t.Fatalf("%d of 1000 failed at p=0.3", n)
	}
}

func TestValidate(t *testing.T) {
	for _, r := range []Rule{{Kind: "boom"}, {Kind: KindStatus, Status: 404}, {Kind: KindReset, Probability: 2}, {Service: "s3", Kind: KindReset}} {
		if r.Validate() == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}
