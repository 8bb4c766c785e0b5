// The drsorch Terraform provider: disaster-recovery orchestration for AWS
// Elastic Disaster Recovery.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/drsorch/terraform-provider-drsorch/internal/provider"
	"github.com/drsorch/terraform-provider-drsorch/internal/version"
)

// Generate the docs (tfplugindocs lives in tools/, its own module).
//go:generate go run -C tools github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name drsorch

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version.Version), providerserver.ServeOpts{
		Address: "registry.terraform.io/drsorch/drsorch",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
