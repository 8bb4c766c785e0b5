// Package provider is the drsorch Terraform provider: its configuration and
// the registration of every resource, data source and ephemeral resource.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// New returns a provider factory for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &drsorchProvider{version: version} }
}

type drsorchProvider struct{ version string }

func (p *drsorchProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "drsorch"
	resp.Version = p.version
}

func (p *drsorchProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{Description: "Disaster-recovery orchestration for AWS Elastic Disaster Recovery."}
}

func (p *drsorchProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *drsorchProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *drsorchProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
