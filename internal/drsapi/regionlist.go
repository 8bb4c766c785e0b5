package drsapi

// Region is one region where AWS Elastic Disaster Recovery is offered.
type Region struct {
	Code, Name, Geography, Partition string
	// OptIn: the region is disabled in an account until the account
	// enables it (regions launched after 20 March 2019). AWS answers an
	// account's calls in a disabled opt-in region as it answers unknown
	// credentials (see IsCredentialsRefused).
	OptIn bool
}

// Regions follows the DRS user guide's list of supported regions and the drs
// endpoints of the AWS SDK endpoint data (28 commercial regions, 2 GovCloud;
// DRS is not offered in the China regions). The European Sovereign Cloud
// partition is left out. OptIn follows the AWS Account Management guide,
// "Enable or disable AWS Regions in your account"
// (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html),
// whose table marks each region's opt-in status: of the DRS regions, 11 are
// opt-in. Asia Pacific (Osaka) is enabled by default; GovCloud regions come
// with a GovCloud account and are never opt-in.
var Regions = []Region{
	{"us-east-1", "US East (N. Virginia)", "North America", "aws", false},
	{"us-east-2", "US East (Ohio)", "North America", "aws", false},
	{"us-west-1", "US West (N. California)", "North America", "aws", false},
	{"us-west-2", "US West (Oregon)", "North America", "aws", false},
	{"ca-central-1", "Canada (Central)", "North America", "aws", false},
	{"sa-east-1", "South America (São Paulo)", "South America", "aws", false},
	{"af-south-1", "Africa (Cape Town)", "Africa", "aws", true},
	{"ap-east-1", "Asia Pacific (Hong Kong)", "Asia Pacific", "aws", true},
	{"ap-south-1", "Asia Pacific (Mumbai)", "Asia Pacific", "aws", false},
	{"ap-south-2", "Asia Pacific (Hyderabad)", "Asia Pacific", "aws", true},
	{"ap-northeast-1", "Asia Pacific (Tokyo)", "Asia Pacific", "aws", false},
	{"ap-northeast-2", "Asia Pacific (Seoul)", "Asia Pacific", "aws", false},
	{"ap-northeast-3", "Asia Pacific (Osaka)", "Asia Pacific", "aws", false},
	{"ap-southeast-1", "Asia Pacific (Singapore)", "Asia Pacific", "aws", false},
	{"ap-southeast-2", "Asia Pacific (Sydney)", "Asia Pacific", "aws", false},
	{"ap-southeast-3", "Asia Pacific (Jakarta)", "Asia Pacific", "aws", true},
	{"ap-southeast-4", "Asia Pacific (Melbourne)", "Asia Pacific", "aws", true},
	{"eu-central-1", "Europe (Frankfurt)", "Europe", "aws", false},
	{"eu-central-2", "Europe (Zurich)", "Europe", "aws", true},
	{"eu-west-1", "Europe (Ireland)", "Europe", "aws", false},
	{"eu-west-2", "Europe (London)", "Europe", "aws", false},
	{"eu-west-3", "Europe (Paris)", "Europe", "aws", false},
	{"eu-south-1", "Europe (Milan)", "Europe", "aws", true},
	{"eu-south-2", "Europe (Spain)", "Europe", "aws", true},
	{"eu-north-1", "Europe (Stockholm)", "Europe", "aws", false},
	{"il-central-1", "Israel (Tel Aviv)", "Middle East", "aws", true},
	{"me-central-1", "Middle East (UAE)", "Middle East", "aws", true},
	{"me-south-1", "Middle East (Bahrain)", "Middle East", "aws", true},
	{"us-gov-east-1", "AWS GovCloud (US-East)", "North America", "aws-us-gov", false},
	{"us-gov-west-1", "AWS GovCloud (US-West)", "North America", "aws-us-gov", false},
}

var regionCodes = func() map[string]bool {
	m := make(map[string]bool, len(Regions))
	for _, r := range Regions {
		m[r.Code] = true
	}
	return m
}()

// IsRegion reports whether DRS is offered in the region code.
func IsRegion(code string) bool { return regionCodes[code] }

var optInCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range Regions {
		if r.OptIn {
			m[r.Code] = true
		}
	}
	return m
}()

// IsOptIn reports whether code is a DRS region that an account must enable
// before it can use it.
func IsOptIn(code string) bool { return optInCodes[code] }

// OptInRegions are the codes of the DRS opt-in regions, in table order.
func OptInRegions() []string {
	var out []string
	for _, r := range Regions {
		if r.OptIn {
			out = append(out, r.Code)
		}
	}
	return out
}

// PartitionOf is the ARN partition of a region: from the table above, or,
// for a region not in it, from its prefix as AWS assigns partitions
// (us-gov-* aws-us-gov, cn-* aws-cn, the ISO regions theirs; anything else
// aws). Every ARN drsorch writes takes its partition from here.
// https://docs.aws.amazon.com/general/latest/gr/aws-arns-and-namespaces.html
// https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-govcloud-arns.html
func PartitionOf(region string) string {
	if p, ok := regionPartitions[region]; ok {
		return p
	}
	for _, pp := range partitionPrefixes {
		if len(region) >= len(pp.prefix) && region[:len(pp.prefix)] == pp.prefix {
			return pp.partition
		}
	}
	return "aws"
}

var regionPartitions = func() map[string]string {
	m := make(map[string]string, len(Regions))
	for _, r := range Regions {
		m[r.Code] = r.Partition
	}
	return m
}()

// partitionPrefixes, longest first where one prefix starts another.
var partitionPrefixes = []struct{ prefix, partition string }{
	{"us-gov-", "aws-us-gov"},
	{"cn-", "aws-cn"},
	{"us-isob-", "aws-iso-b"},
	{"us-isof-", "aws-iso-f"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-iso-", "aws-iso"},
}
