// Package provider is the drsorch Terraform provider: its configuration and
// the registration of every resource, data source and ephemeral resource.
package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
)

// New returns a provider factory for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &drsorchProvider{version: version} }
}

type drsorchProvider struct {
	version string
	// lookupEnv reads the environment; tests replace it.
	lookupEnv awsclient.Lookup
}

type providerModel struct {
	Region                 types.String      `tfsdk:"region"`
	Profile                types.String      `tfsdk:"profile"`
	SharedConfigFiles      []types.String    `tfsdk:"shared_config_files"`
	SharedCredentialsFiles []types.String    `tfsdk:"shared_credentials_files"`
	AssumeRole             *assumeRoleModel  `tfsdk:"assume_role"`
	Endpoints              *endpointsModel   `tfsdk:"endpoints"`
	RunServiceEndpoint     types.String      `tfsdk:"run_service_endpoint"`
	MaxRetries             types.Int64       `tfsdk:"max_retries"`
	ExecutionRoleARN       types.String      `tfsdk:"execution_role_arn"`
	DefaultTags            *defaultTagsModel `tfsdk:"default_tags"`
	IgnoreTags             *ignoreTagsModel  `tfsdk:"ignore_tags"`
}

type assumeRoleModel struct {
	RoleARN     types.String `tfsdk:"role_arn"`
	ExternalID  types.String `tfsdk:"external_id"`
	SessionName types.String `tfsdk:"session_name"`
	Duration    types.String `tfsdk:"duration"`
}

type endpointsModel struct {
	DRS           types.String `tfsdk:"drs"`
	SFN           types.String `tfsdk:"sfn"`
	Events        types.String `tfsdk:"events"`
	STS           types.String `tfsdk:"sts"`
	ServiceQuotas types.String `tfsdk:"servicequotas"`
	EC2           types.String `tfsdk:"ec2"`
	Logs          types.String `tfsdk:"logs"`
}

func (p *drsorchProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "drsorch"
	resp.Version = p.version
}

func (p *drsorchProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	endpoint := func(service string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Description: "URL of the " + service + " endpoint, overriding `run_service_endpoint` and the AWS default for this service."}
	}
	resp.Schema = schema.Schema{
		Description: "Disaster-recovery orchestration for AWS Elastic Disaster Recovery (DRS): protection groups, " +
			"recovery plans run by Step Functions, drills, and discovery of DRS source servers and quotas. " +
			"Set `run_service_endpoint` to use a local `drsorch serve` run service instead of AWS.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional:    true,
				Description: "AWS region of the DRS estate, e.g. `us-east-1`. Defaults to `AWS_REGION`, `AWS_DEFAULT_REGION`, or the profile's region; one of them is required.",
			},
			"profile": schema.StringAttribute{
				Optional:    true,
				Description: "Named profile of the shared config and credentials files. Defaults to `AWS_PROFILE`.",
			},
			"shared_config_files": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				Description: "Paths of shared config files. Defaults to `AWS_CONFIG_FILE`, else `~/.aws/config`.",
			},
			"shared_credentials_files": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				Description: "Paths of shared credentials files. Defaults to `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.",
			},
			"run_service_endpoint": schema.StringAttribute{
				Optional: true,
				Description: "URL of a `drsorch serve` run service (e.g. `http://127.0.0.1:8787`) that every service is sent to. " +
					"Unless credentials are configured (profile, access keys), static local credentials are used. Defaults to `DRSORCH_RUN_SERVICE_ENDPOINT`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional:    true,
				Description: fmt.Sprintf("How many times a throttled or failed (5xx) API call is retried, with exponential backoff capped at %s and any Retry-After honoured. Defaults to `AWS_MAX_ATTEMPTS` minus one, else %d.", awsclient.DefaultMaxBackoff, awsclient.DefaultMaxRetries),
				Validators:  []validator.Int64{int64validator.Between(0, 100)},
			},
			"execution_role_arn": schema.StringAttribute{
				Optional:    true,
				Description: "Default IAM role that recovery plans' state machines run as (data.drsorch_orchestrator_policy gives its policy). A plan's own `execution_role_arn` wins.",
				Validators:  []validator.String{stringvalidator.RegexMatches(roleARNPattern, "must be an IAM role ARN like arn:aws:iam::123456789012:role/drsorch")},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				Description: "Role to assume (STS AssumeRole) with the base credentials, e.g. to act in another account.",
				Attributes: map[string]schema.Attribute{
					"role_arn":     schema.StringAttribute{Optional: true, Description: "ARN of the IAM role to assume. Required when the block is present."},
					"external_id":  schema.StringAttribute{Optional: true, Description: "External ID the role's trust policy requires."},
					"session_name": schema.StringAttribute{Optional: true, Description: "Session name recorded in CloudTrail."},
					"duration":     schema.StringAttribute{Optional: true, Description: "Session duration as a Go duration, e.g. `1h` (15m to 12h)."},
				},
			},
			"default_tags": defaultTagsBlock(),
			"ignore_tags":  ignoreTagsBlock(),
			"endpoints": schema.SingleNestedBlock{
				Description: "Per-service endpoint overrides.",
				Attributes: map[string]schema.Attribute{
					"drs":           endpoint("DRS"),
					"sfn":           endpoint("Step Functions"),
					"events":        endpoint("EventBridge"),
					"sts":           endpoint("STS"),
					"servicequotas": endpoint("Service Quotas"),
					"ec2":           endpoint("EC2"),
					"logs":          endpoint("CloudWatch Logs"),
				},
			},
		},
	}
}

func (p *drsorchProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, ok := cfg.settings(resp)
	if !ok {
		return
	}
	clients, err := awsclient.New(ctx, settings, p.lookupEnv)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the drsorch provider", err.Error())
		return
	}
	tags, ok := cfg.tagConfig(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	data := &providerData{clients: clients, executionRoleARN: cfg.ExecutionRoleARN.ValueString(), tags: tags}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
}

// settings converts the configuration, refusing unknown values and
// malformed durations with a diagnostic on the attribute.
func (m providerModel) settings(resp *provider.ConfigureResponse) (awsclient.Settings, bool) {
	var s awsclient.Settings
	unknown := func(p path.Path, v interface{ IsUnknown() bool }) {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(p, "Provider setting is unknown",
				"The value is only known after apply, but the provider needs it to plan. Use a value known at plan time (a literal, variable or data source).")
		}
	}
	unknown(path.Root("region"), m.Region)
	unknown(path.Root("profile"), m.Profile)
	unknown(path.Root("run_service_endpoint"), m.RunServiceEndpoint)
	unknown(path.Root("max_retries"), m.MaxRetries)
	s.Region = m.Region.ValueString()
	s.Profile = m.Profile.ValueString()
	s.RunServiceEndpoint = m.RunServiceEndpoint.ValueString()
	s.SharedConfigFiles = stringValues(m.SharedConfigFiles)
	s.SharedCredentialsFiles = stringValues(m.SharedCredentialsFiles)
	if !m.MaxRetries.IsNull() && !m.MaxRetries.IsUnknown() {
		n := int(m.MaxRetries.ValueInt64())
		s.MaxRetries = &n
	}
	if e := m.Endpoints; e != nil {
		s.Endpoints = awsclient.Endpoints{
			DRS: e.DRS.ValueString(), SFN: e.SFN.ValueString(), Events: e.Events.ValueString(),
			STS: e.STS.ValueString(), ServiceQuotas: e.ServiceQuotas.ValueString(), EC2: e.EC2.ValueString(), Logs: e.Logs.ValueString(),
		}
	}
	if ar := m.AssumeRole; ar != nil && !(ar.RoleARN.IsNull() && ar.ExternalID.IsNull() && ar.SessionName.IsNull() && ar.Duration.IsNull()) {
		unknown(path.Root("assume_role").AtName("role_arn"), ar.RoleARN)
		if ar.RoleARN.ValueString() == "" && !ar.RoleARN.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root("assume_role").AtName("role_arn"), "Missing role ARN",
				"An assume_role block needs role_arn, e.g. arn:aws:iam::210987654321:role/drsorch.")
		}
		s.AssumeRole = &awsclient.AssumeRole{
			RoleARN: ar.RoleARN.ValueString(), ExternalID: ar.ExternalID.ValueString(), SessionName: ar.SessionName.ValueString(),
		}
		if d := ar.Duration.ValueString(); d != "" {
			dur, err := time.ParseDuration(d)
			if err != nil || dur < 15*time.Minute || dur > 12*time.Hour {
				resp.Diagnostics.AddAttributeError(path.Root("assume_role").AtName("duration"), "Invalid session duration",
					fmt.Sprintf("%q is not a duration between 15m and 12h; write it like \"1h\" or \"90m\".", d))
			}
			s.AssumeRole.Duration = dur
		}
	}
	return s, !resp.Diagnostics.HasError()
}

func stringValues(values []types.String) []string {
	var out []string
	for _, v := range values {
		if s := v.ValueString(); s != "" {
			out = append(out, s)
		}
	}
	return out
}
