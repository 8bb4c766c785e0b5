package drssim

import (
	"slices"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awsmodels"
)

// The table the simulator answers from is the model's, operation by
// operation, and every served operation is a model operation.
func TestModelledErrorsMatchTheModel(t *testing.T) {
	m, err := awsmodels.Load("drs")
	if err != nil {
		t.Fatal(err)
	}
	if len(modelledErrors) != len(m.Operations) {
		t.Errorf("table has %d operations, the model %d", len(modelledErrors), len(m.Operations))
	}
	for op := range m.Operations {
		want := m.ErrorNames(op)
		got := modelledErrors[op]
		slices.Sort(want)
		got = slices.Sorted(slices.Values(got))
		if !slices.Equal(got, want) {
			t.Errorf("%s: table %v, model %v", op, got, want)
		}
	}
	for _, op := range OperationNames() {
		mo, ok := m.Operations[op]
		if !ok {
			t.Errorf("served operation %s is not in the DRS model", op)
			continue
		}
		if want := mo.HTTP.ResponseCode; want != 0 && operations[op].status != want {
			t.Errorf("%s answers %d, the model says %d", op, operations[op].status, want)
		}
	}
	for code, status := range statusOf {
		if s := m.Shapes[code]; s.Error["httpStatusCode"] != float64(status) {
			t.Errorf("%s: status %d, model %v", code, status, s.Error["httpStatusCode"])
		}
	}
}

// conform never lets an unmodelled error through, whatever it is given.
func TestConformAnswersOnlyModelledErrors(t *testing.T) {
	inputs := []string{eAccessDenied, eConflict, eInternal, eNotFound, eQuota, eThrottling, eUninitialized, eValidation}
	for op, allowed := range modelledErrors {
		for _, code := range inputs {
			in := validationError(reasonFieldValidation, "x", fieldError{Name: "f", Message: "m"})
			in.Code, in.Status = code, statusOf[code]
			out := conform(op, in)
			if !slices.Contains(allowed, out.Code) {
				t.Errorf("%s: %s became %s, not in %v", op, code, out.Code, allowed)
			}
			if out.Status != statusOf[out.Code] {
				t.Errorf("%s: %s answered with status %d", op, out.Code, out.Status)
			}
		}
	}
}
