package provider

import (
	"context"
	"regexp"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/tagging"
)

// providerData is what Configure hands to resources: the clients and the
// provider-level defaults.
type providerData struct {
	clients          *awsclient.Clients
	executionRoleARN string
	// tags are the provider's default_tags and ignore_tags.
	tags tagging.Config

	accountOnce sync.Once
	accountID   string
	accountErr  error

	// planned is what this walk's resources will hold after the apply.
	planned plannedWalk

	// parent is the provider's data when this is another region's
	// (forRegion); regions holds those, one per region for the run.
	parent    *providerData
	regionsMu sync.Mutex
	regions   map[string]*providerData
}

// forRegion is the provider data of region ("" or the provider's: d):
// that region's clients (awsclient.Clients.ForRegion, shared by every
// resource of the run) with the provider's settings.
func (d *providerData) forRegion(region string) *providerData {
	if d.parent != nil {
		return d.parent.forRegion(region)
	}
	if region == "" || region == d.clients.Region {
		return d
	}
	d.regionsMu.Lock()
	defer d.regionsMu.Unlock()
	if rd, ok := d.regions[region]; ok {
		return rd
	}
	rd := &providerData{clients: d.clients.ForRegion(region), executionRoleARN: d.executionRoleARN, tags: d.tags, parent: d}
	if d.regions == nil {
		d.regions = map[string]*providerData{}
	}
	d.regions[region] = rd
	return rd
}

// account is the caller's account, asked of STS once per provider run.
func (d *providerData) account(ctx context.Context) (string, error) {
	if d.parent != nil { // the same credentials: the same account
		return d.parent.account(ctx)
	}
	d.accountOnce.Do(func() { d.accountID, d.accountErr = d.clients.Account(ctx) })
	return d.accountID, d.accountErr
}

// partition of the configured region.
func (d *providerData) partition() string { return drsapi.PartitionOf(d.clients.Region) }

func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	switch d := data.(type) {
	case nil:
		return nil
	case *providerData:
		return d
	case *awsclient.Clients:
		return &providerData{clients: d}
	}
	diags.AddError("Unexpected provider data", "The drsorch provider passed data of an unexpected type; this is a bug in the provider.")
	return nil
}

var roleARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)

// funcValidator applies a plain Go check to a string attribute.
type funcValidator struct {
	what  string
	check func(string) error
}

func (v funcValidator) Description(context.Context) string             { return v.what }
func (v funcValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v funcValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.what, err.Error())
	}
}
