package awsclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// Clients are the service clients of one region, sharing one
// configuration and one credentials cache.
type Clients struct {
	Config        aws.Config
	Region        string
	DRS           *drs.Client
	SFN           *sfn.Client
	Events        *eventbridge.Client
	STS           *sts.Client
	ServiceQuotas *servicequotas.Client
	EC2           *ec2.Client // the recovery region's launch templates and network
	// Logs reads the plans' CloudWatch Logs (the console's execution log).
	Logs *cloudwatchlogs.Client
	// Pricing reads the AWS Price List (the console's cost estimates). It
	// is signed for PricingRegion, not Region: the Price List Query API
	// answers in a few regions only and prices every region from there.
	// Nil in a partition without a Price List endpoint.
	Pricing       *pricing.Client
	PricingRegion string

	endpoints Endpoints
	mu        sync.Mutex
	regions   map[string]*Clients
	servers   *drsapi.ServerCache
}

// New resolves the configuration (settings first, then the environment
// and shared files through the SDK), checks that a region and working
// credentials exist, and builds the clients. Credentials are retrieved once
// here so that a misconfiguration fails at configure time, not mid-plan.
// lookup reads the environment; nil means os.LookupEnv.
func New(ctx context.Context, s Settings, lookup Lookup) (*Clients, error) {
	// Shared credentials files named in the configuration count as chosen
	// credentials; the environment's default file path does not.
	localCredentials := s.RunServiceEndpoint != "" || envSet(lookup, EnvRunServiceEndpoint)
	localCredentials = localCredentials && !s.credentialsConfigured(lookup)
	s = s.WithEnvironment(lookup)
	localCredentials = localCredentials && s.Profile == ""
	if err := s.validateEndpoints(); err != nil {
		return nil, err
	}
	endpoints := s.Endpoints
	if s.RunServiceEndpoint != "" {
		endpoints = endpoints.withDefault(s.RunServiceEndpoint)
	}

	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newRetryer(s.maxAttempts(), s.maxBackoff()) }),
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	if len(s.SharedConfigFiles) > 0 {
		opts = append(opts, config.WithSharedConfigFiles(s.SharedConfigFiles))
	}
	if len(s.SharedCredentialsFiles) > 0 {
		opts = append(opts, config.WithSharedCredentialsFiles(s.SharedCredentialsFiles))
	}
	if localCredentials {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(LocalAccessKeyID, LocalSecretAccessKey, "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var noProfile config.SharedConfigProfileNotExistError
		if errors.As(err, &noProfile) {
			return nil, fmt.Errorf("profile %q is not in the shared config or credentials files; set `profile` (or AWS_PROFILE) to an existing profile: %w", s.Profile, err)
		}
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	cfg.HTTPClient = WrapHTTPClient(cfg.HTTPClient)
	// The retryer above is the one retry layer: keep the SDK from wrapping
	// it again with the environment's AWS_MAX_ATTEMPTS or AWS_RETRY_MODE.
	cfg.RetryMaxAttempts, cfg.RetryMode = 0, ""
	if cfg.Region == "" {
		return nil, errors.New("no AWS region is configured: set `region` in the provider block, or AWS_REGION / AWS_DEFAULT_REGION, or a region in the profile")
	}

	if ar := s.AssumeRole; ar != nil && ar.RoleARN != "" {
		stsClient := sts.NewFromConfig(cfg, endpointOption[sts.Options](endpoints.STS))
		provider := stscreds.NewAssumeRoleProvider(stsClient, ar.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			if ar.ExternalID != "" {
				o.ExternalID = aws.String(ar.ExternalID)
			}
			if ar.SessionName != "" {
				o.RoleSessionName = ar.SessionName
			}
			if ar.Duration > 0 {
				o.Duration = ar.Duration
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	if cfg.Credentials == nil {
		return nil, errors.New(noCredentialsMessage)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if s.AssumeRole != nil && s.AssumeRole.RoleARN != "" {
			return nil, fmt.Errorf("assume role %s: %w", s.AssumeRole.RoleARN, err)
		}
		return nil, fmt.Errorf("%s: %w", noCredentialsMessage, err)
	}
	return newClients(cfg, endpoints), nil
}

const noCredentialsMessage = "no valid AWS credentials were found: set `profile` (or AWS_PROFILE), " +
	"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or point `run_service_endpoint` " +
	"(DRSORCH_RUN_SERVICE_ENDPOINT) at a `drsorch serve` run service"

func newClients(cfg aws.Config, endpoints Endpoints) *Clients {
	c := &Clients{
		Config:        cfg,
		Region:        cfg.Region,
		SFN:           sfn.NewFromConfig(cfg, endpointOption[sfn.Options](endpoints.SFN)),
		Events:        eventbridge.NewFromConfig(cfg, endpointOption[eventbridge.Options](endpoints.Events)),
		STS:           sts.NewFromConfig(cfg, endpointOption[sts.Options](endpoints.STS)),
		ServiceQuotas: servicequotas.NewFromConfig(cfg, endpointOption[servicequotas.Options](endpoints.ServiceQuotas)),
		EC2:           ec2.NewFromConfig(cfg, endpointOption[ec2.Options](endpoints.EC2)),
		Logs:          cloudwatchlogs.NewFromConfig(cfg, endpointOption[cloudwatchlogs.Options](endpoints.Logs)),
		endpoints:     endpoints,
	}
	if region, ok := PricingEndpointRegion(cfg.Region); ok {
		pcfg := cfg.Copy()
		pcfg.Region = region
		c.Pricing, c.PricingRegion = pricing.NewFromConfig(pcfg, endpointOption[pricing.Options](endpoints.Pricing)), region
	}
	c.DRS = drs.NewFromConfig(cfg, endpointOption[drs.Options](endpoints.DRS), keepServerCacheTrue(c))
	c.servers = drsapi.NewServerCache(c.DRS, 0)
	return c
}

// ForRegion returns clients for another region with the same credentials
// and endpoints (used by multi-region discovery). Safe for concurrent use.
func (c *Clients) ForRegion(region string) *Clients {
	if region == "" || region == c.Region {
		return c
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if rc, ok := c.regions[region]; ok {
		return rc
	}
	cfg := c.Config.Copy()
	cfg.Region = region
	rc := newClients(cfg, c.endpoints)
	if c.regions == nil {
		c.regions = map[string]*Clients{}
	}
	c.regions[region] = rc
	return rc
}

// Account returns the account the credentials act in (STS
// GetCallerIdentity).
func (c *Clients) Account(ctx context.Context) (string, error) {
	out, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Account), nil
}

// withDefault fills every unset endpoint with url.
func (e Endpoints) withDefault(url string) Endpoints {
	for _, p := range []*string{&e.DRS, &e.SFN, &e.Events, &e.STS, &e.ServiceQuotas, &e.Logs, &e.EC2, &e.Pricing} {
		if *p == "" {
			*p = url
		}
	}
	return e
}

// serviceOptions is the part of every generated client's Options we set.
type serviceOptions interface {
	drs.Options | sfn.Options | eventbridge.Options | sts.Options | servicequotas.Options | cloudwatchlogs.Options | ec2.Options | pricing.Options
}

func endpointOption[O serviceOptions](url string) func(*O) {
	return func(o *O) {
		if url = strings.TrimSpace(url); url == "" {
			return
		}
		switch v := any(o).(type) {
		case *drs.Options:
			v.BaseEndpoint = aws.String(url)
		case *sfn.Options:
			v.BaseEndpoint = aws.String(url)
		case *eventbridge.Options:
			v.BaseEndpoint = aws.String(url)
		case *sts.Options:
			v.BaseEndpoint = aws.String(url)
		case *servicequotas.Options:
			v.BaseEndpoint = aws.String(url)
		case *cloudwatchlogs.Options:
			v.BaseEndpoint = aws.String(url)
		case *ec2.Options:
			v.BaseEndpoint = aws.String(url)
		case *pricing.Options:
			v.BaseEndpoint = aws.String(url)
		}
	}
}

// PricingEndpointRegion is the region the AWS Price List Query API is
// called in for clients of region: us-east-1 in the commercial partition
// (https://api.pricing.us-east-1.amazonaws.com, one of its endpoints,
// https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-ppslong.html),
// cn-northwest-1 in China (the region the China guide's examples call,
// https://docs.amazonaws.cn/en_us/awsaccountbilling/latest/aboutv2/using-price-list-query-api.html).
// Other partitions (GovCloud, ISO) have no Price List endpoint: false.
func PricingEndpointRegion(region string) (string, bool) {
	switch drsapi.PartitionOf(region) {
	case "aws":
		return "us-east-1", true
	case "aws-cn":
		return "cn-northwest-1", true
	}
	return "", false
}
