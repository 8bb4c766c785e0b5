// Package ec2sim is the run service's EC2: the subset DRS users touch in
// the recovery region (the launch templates DRS keeps per source server,
// subnets, security groups, instance type offerings), over EC2's query
// protocol. Its network comes from the inventory; its launch templates
// are the ones the DRS simulator created.
package ec2sim

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// APIVersion is the Version of every EC2 query request.
const APIVersion = "2016-11-15"

// SigningName is EC2's SigV4 service name.
const SigningName = "ec2"

// TemplateSource lists the launch templates DRS created (drssim.Simulator).
type TemplateSource interface {
	LaunchTemplateSeeds(account, region string) []drssim.LaunchTemplateSeed
}

// Options configure the service.
type Options struct {
	Store     *store.Store
	Now       func() time.Time
	Logger    *slog.Logger
	Templates TemplateSource
	// Networks are the inventory's "ec2" sections per account/region; any
	// other estate gets DefaultNetwork.
	Networks map[string]NetworkSpec // key account + "/" + region
}

// Service serves the EC2 actions of actions.go.
type Service struct {
	opts Options

	mu      sync.Mutex
	estates map[string]*estate
}

// estate is the EC2 state of one account and region.
type estate struct {
	account, region string
	net             *network
	templates       map[string]*launchTemplate
	instances       map[string]*instance // recovery instances DRS launched (instances.go)
}

// New returns the service, checking the inventory's networks.
func New(opts Options) (*Service, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	for key, spec := range opts.Networks {
		if _, err := spec.resolve("000000000000", "us-east-1"); err != nil {
			return nil, fmt.Errorf("inventory estate %s: %w", key, err)
		}
	}
	s := &Service{opts: opts, estates: map[string]*estate{}}
	if err := s.migrate(context.Background()); err != nil {
		return nil, fmt.Errorf("ec2 simulator tables: %w", err)
	}
	return s, nil
}

// NetworksFromInventory reads the "ec2" sections of an inventory.
func NetworksFromInventory(inv *drssim.Inventory) (map[string]NetworkSpec, error) {
	out := map[string]NetworkSpec{}
	for i, e := range inv.Estates {
		if len(e.EC2) == 0 {
			continue
		}
		spec, err := ParseNetwork(e.EC2)
		if err != nil {
			return nil, fmt.Errorf("inventory estates[%d]: %w", i, err)
		}
		account := e.Account
		if account == "" {
			account = awswire.DefaultAccount
		}
		out[account+"/"+e.Region] = spec
	}
	return out, nil
}

// Serves reports whether action is one this service answers.
func (s *Service) Serves(action string) bool { _, ok := actions[action]; return ok }

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(e *awswire.APIError) { awswire.WriteEC2Error(w, w.Header().Get(awswire.RequestIDHeader), e) }
	body, err := io.ReadAll(r.Body)
	if err != nil {
		fail(invalidParameterValue("request body unreadable: " + err.Error()))
		return
	}
	values, err := url.ParseQuery(string(body))
	if err != nil {
		fail(invalidParameterValue("request body is not a form: " + err.Error()))
		return
	}
	f := form(values)
	action := f.get("Action")
	run, ok := actions[action]
	if !ok {
		fail(invalidAction(action))
		return
	}
	if v := f.get("Version"); v != APIVersion {
		fail(clientError("InvalidParameterValue", "Version %q is not served: the run service's EC2 speaks API version %s", v, APIVersion))
		return
	}
	id, _ := awswire.IdentityFrom(r.Context())
	account := id.Account
	if account == "" {
		account = awswire.DefaultAccount
	}
	e, aerr := s.estate(r.Context(), account, id.Region)
	if aerr != nil {
		fail(aerr)
		return
	}
	if dry, _ := f.boolOf("DryRun"); dry != nil && *dry {
		fail(dryRunOK())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, e: e, f: f, id: id, now: s.opts.Now().UTC()}
	resp, changed, aerr := run(c)
	if aerr == nil && changed && c.dirty != nil {
		if err := s.put(r.Context(), e, kindTemplate, c.dirty.ID, c.dirty); err != nil {
			aerr = awswire.NewError(http.StatusInternalServerError, "InternalError", "could not store the change: "+err.Error())
		}
	}
	if aerr != nil {
		fail(aerr)
		return
	}
	writeXML(w, action, resp)
}

// call is one request being served, under s.mu.
type call struct {
	s   *Service
	e   *estate
	f   form
	id  awswire.Identity
	now time.Time
	// dirty is the template the action changed, stored after it.
	dirty *launchTemplate
}

// estate loads (or creates) the state of an account and region, and adds
// the launch templates DRS created since.
func (s *Service) estate(ctx context.Context, account, region string) (*estate, *awswire.APIError) {
	if region == "" {
		return nil, clientError("AuthFailure", "the request names no region: sign it for a region such as us-east-1")
	}
	// Asked before s.mu is taken: DRS calls Place with its estate locked,
	// so s.mu must never be held while DRS is called.
	var seeds []drssim.LaunchTemplateSeed
	if s.opts.Templates != nil {
		seeds = s.opts.Templates.LaunchTemplateSeeds(account, region)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.estateLocked(ctx, account, region)
	if err != nil {
		return nil, err
	}
	for _, seed := range seeds {
		if _, ok := e.templates[seed.LaunchTemplateID]; !ok {
			t := e.drsTemplate(seed, s.opts.Now().UTC())
			if err := s.put(ctx, e, kindTemplate, t.ID, t); err != nil {
				return nil, awswire.NewError(http.StatusInternalServerError, "InternalError", "could not store the change: "+err.Error())
			}
			e.templates[t.ID] = t
		}
	}
	return e, nil
}

// estateLocked returns the estate of account and region, loading it from
// the store the first time; s.mu is held.
func (s *Service) estateLocked(ctx context.Context, account, region string) (*estate, *awswire.APIError) {
	key := account + "/" + region
	e, ok := s.estates[key]
	if !ok {
		spec, has := s.opts.Networks[key]
		if !has {
			spec = DefaultNetwork(region)
		}
		n, err := spec.resolve(account, region)
		if err != nil {
			return nil, awswire.NewError(http.StatusInternalServerError, "InternalError", err.Error())
		}
		e = &estate{account: account, region: region, net: n, templates: map[string]*launchTemplate{}, instances: map[string]*instance{}}
		if err := s.load(ctx, e); err != nil {
			return nil, awswire.NewError(http.StatusInternalServerError, "InternalError", "could not load EC2 state: "+err.Error())
		}
		s.estates[key] = e
	}
	return e, nil
}

// drsTemplate is the launch template DRS creates for a new source server:
// the recommended instance type, one network interface in the region's
// first subnet, and the server's ID as a tag of the instance.
func (e *estate) drsTemplate(seed drssim.LaunchTemplateSeed, now time.Time) *launchTemplate {
	itype := seed.RecommendedInstanceType
	if itype == "" {
		itype = "t3.small"
	}
	subnetID, groups := e.net.defaultPlacement()
	zero, deleteOnTermination := int64(0), true
	data := templateData{
		InstanceType:      itype,
		NetworkInterfaces: []netInterface{{DeviceIndex: &zero, SubnetID: subnetID, Groups: groups, DeleteOnTermination: &deleteOnTermination}},
		TagSpecifications: []tagSpec{{ResourceType: "instance", Tags: []tag{{Key: "AWSElasticDisasterRecoverySourceServerID", Value: seed.SourceServerID}}}},
	}
	by := "arn:aws:sts::" + e.account + ":assumed-role/AWSServiceRoleForElasticDisasterRecovery/drs"
	return &launchTemplate{ID: seed.LaunchTemplateID, Name: "drs-" + seed.SourceServerID, Created: now, CreatedBy: by, DefaultVersion: 1,
		Versions: []*version{{Number: 1, Description: "created by Elastic Disaster Recovery", Created: now, CreatedBy: by, Data: data}},
		Tags:     []tag{{Key: "AWSElasticDisasterRecoveryManaged", Value: "drs.amazonaws.com"}}}
}

func (e *estate) sortedTemplates() []*launchTemplate {
	out := make([]*launchTemplate, 0, len(e.templates))
	for _, t := range e.templates {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
