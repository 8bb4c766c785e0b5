package acctest

import "github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"

// The inventory file format of `drsorch serve --inventory`: the simulator's
// own types, under the names the acceptance tests use.
type (
	// Inventory is a set of simulated estates.
	Inventory = drssim.Inventory
	// Estate is one account and region.
	Estate = drssim.EstateSpec
	// Generate adds Count servers named <HostnamePrefix>-0001 ….
	Generate = drssim.GenerateSpec
	// Server is one source server.
	Server = drssim.ServerSpec
	// Faults injected into an estate's DRS API.
	Faults = drssim.Faults
	// DisabledRegions are the opt-in regions one account has not enabled.
	DisabledRegions = drssim.DisabledRegionsSpec
)
