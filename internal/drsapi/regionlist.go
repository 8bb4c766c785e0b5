package drsapi

// Region is one region where AWS Elastic Disaster Recovery is offered.
type Region struct {
	Code, Name, Geography, Partition string
}

// Regions follows the DRS user guide's list of supported regions and the drs
// endpoints of the AWS SDK endpoint data (28 commercial regions, 2 GovCloud;
// DRS is not offered in the China regions). The European Sovereign Cloud
// partition is left out.
var Regions = []Region{
	{"us-east-1", "US East (N. Virginia)", "North America", "aws"},
	{"us-east-2", "US East (Ohio)", "North America", "aws"},
	{"us-west-1", "US West (N. California)", "North America", "aws"},
	{"us-west-2", "US West (Oregon)", "North America", "aws"},
	{"ca-central-1", "Canada (Central)", "North America", "aws"},
	{"sa-east-1", "South America (São Paulo)", "South America", "aws"},
	{"af-south-1", "Africa (Cape Town)", "Africa", "aws"},
	{"ap-east-1", "Asia Pacific (Hong Kong)", "Asia Pacific", "aws"},
	{"ap-south-1", "Asia Pacific (Mumbai)", "Asia Pacific", "aws"},
	{"ap-south-2", "Asia Pacific (Hyderabad)", "Asia Pacific", "aws"},
	{"ap-northeast-1", "Asia Pacific (Tokyo)", "Asia Pacific", "aws"},
	{"ap-northeast-2", "Asia Pacific (Seoul)", "Asia Pacific", "aws"},
	{"ap-northeast-3", "Asia Pacific (Osaka)", "Asia Pacific", "aws"},
	{"ap-southeast-1", "Asia Pacific (Singapore)", "Asia Pacific", "aws"},
	{"ap-southeast-2", "Asia Pacific (Sydney)", "Asia Pacific", "aws"},
	{"ap-southeast-3", "Asia Pacific (Jakarta)", "Asia Pacific", "aws"},
	{"ap-southeast-4", "Asia Pacific (Melbourne)", "Asia Pacific", "aws"},
	{"eu-central-1", "Europe (Frankfurt)", "Europe", "aws"},
	{"eu-central-2", "Europe (Zurich)", "Europe", "aws"},
	{"eu-west-1", "Europe (Ireland)", "Europe", "aws"},
	{"eu-west-2", "Europe (London)", "Europe", "aws"},
	{"eu-west-3", "Europe (Paris)", "Europe", "aws"},
	{"eu-south-1", "Europe (Milan)", "Europe", "aws"},
	{"eu-south-2", "Europe (Spain)", "Europe", "aws"},
	{"eu-north-1", "Europe (Stockholm)", "Europe", "aws"},
	{"il-central-1", "Israel (Tel Aviv)", "Middle East", "aws"},
	{"me-central-1", "Middle East (UAE)", "Middle East", "aws"},
	{"me-south-1", "Middle East (Bahrain)", "Middle East", "aws"},
	{"us-gov-east-1", "AWS GovCloud (US-East)", "North America", "aws-us-gov"},
	{"us-gov-west-1", "AWS GovCloud (US-West)", "North America", "aws-us-gov"},
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
