package statemachine

import (
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
)

// The run service's engine refuses what it cannot run faithfully, so a
// compiled plan must parse with the same ASL library.
func TestCompiledDefinitionParses(t *testing.T) {
	c, err := Compile(threeTier(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := asl.Parse([]byte(c.Definition)); err != nil {
		t.Fatalf("compiled definition rejected: %v\n%s", err, c.Definition)
	}
}
