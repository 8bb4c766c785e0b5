package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
)

// Resources lists every resource type of the provider, each with an
// optional region (regional.go).
func (p *drsorchProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		withRegion(newLaunchSettingsResource),
		withRegion(newLaunchTemplateSettingsResource),
		withRegion(newLaunchConfigurationTemplateResource),
		withRegion(newLaunchActionResource),
		withRegion(newReplicationConfigurationTemplateResource),
		withRegion(newReplicationSettingsResource),
		withRegion(newSourceServerTagsResource),
		withRegion(newProtectionGroupResource),
		withRegion(newRecoveryPlanResource),
		withRegion(newExecutionResource),
	}
}

// DataSources lists every data source type of the provider. Those that
// declare no region of their own take one (regional.go).
func (p *drsorchProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		dataSourceWithRegion(newRegionsDataSource),
		dataSourceWithRegion(newSourceServersDataSource),
		newSourceServerDataSource,
		newQuotasDataSource,
		dataSourceWithRegion(newExecutionDataSource),
		dataSourceWithRegion(newExecutionsDataSource),
		dataSourceWithRegion(newJobEventsDataSource),
		dataSourceWithRegion(newRecoveryInstancesDataSource),
		newOrchestratorPolicyDataSource,
	}
}

// clientsFrom reads the clients Configure stored as provider data. Nil
// data means the provider is not configured yet (validation runs), which
// is not an error.
func clientsFrom(data any, diags *diag.Diagnostics) *awsclient.Clients {
	if data == nil {
		return nil
	}
	if d := providerDataFrom(data, diags); d != nil {
		return d.clients
	}
	return nil
}
