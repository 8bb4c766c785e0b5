package cost

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// readers bounds the DRS and EC2 reads in flight for one plan.
const readers = 8

// Launches finds, for each source server, the EC2 instance DRS would
// launch in a recovery:
//   - right-sizing NONE: the instance type of the default version of the
//     server's EC2 launch template (DRS launches from that version);
//   - right-sizing BASIC or IN_AWS: DRS's own choice, which it reports as
//     the source server's recommendedInstanceType, "The recommended EC2
//     instance type that will be used when recovering the Source Server"
//     (botocore drs 2020-02-26, SourceProperties). The run service's
//     simulator launches the same type;
//   - launch into an existing instance (launchIntoInstanceProperties):
//     that instance's type.
//
// The operating system (Windows when DRS's OS string says so, else Linux)
// and the template's tenancy pick the price. A server whose type cannot be
// found is returned with Unknown set, never dropped.
func Launches(ctx context.Context, api *drs.Client, ec2API *ec2.Client, ids []string) ([]Launch, error) {
	servers, err := drsapi.ListSourceServers(ctx, api, ids)
	if err != nil {
		return nil, fmt.Errorf("read the plan's source servers (DescribeSourceServers): %w", err)
	}
	return LaunchesOf(ctx, api, ec2API, ids, servers), nil
}

// LaunchesOf is Launches for a caller that has read the servers already
// (DescribeSourceServers of ids).
func LaunchesOf(ctx context.Context, api *drs.Client, ec2API *ec2.Client, ids []string, servers []drstypes.SourceServer) []Launch {
	byID := map[string]drstypes.SourceServer{}
	for _, s := range servers {
		byID[aws.ToString(s.SourceServerID)] = s
	}
	out := make([]Launch, len(ids))
	sem := make(chan struct{}, readers)
	var wg sync.WaitGroup
	for i, id := range ids {
		s, ok := byID[id]
		if !ok {
			out[i] = Launch{ServerID: id, Unknown: "DRS does not know source server " + id + " in this account and region"}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = launchOf(ctx, api, ec2API, s)
		}()
	}
	wg.Wait()
	return out
}

func launchOf(ctx context.Context, api *drs.Client, ec2API *ec2.Client, s drstypes.SourceServer) Launch {
	l := Launch{ServerID: aws.ToString(s.SourceServerID), OS: "Linux", Tenancy: "Shared"}
	var recommended string
	if p := s.SourceProperties; p != nil {
		if p.IdentificationHints != nil {
			l.Hostname = aws.ToString(p.IdentificationHints.Hostname)
		}
		if p.Os != nil && strings.Contains(strings.ToLower(aws.ToString(p.Os.FullString)), "windows") {
			l.OS = "Windows"
		}
		recommended = aws.ToString(p.RecommendedInstanceType)
	}
	lc, err := api.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: s.SourceServerID})
	if err != nil {
		l.Unknown = "could not read its DRS launch settings (GetLaunchConfiguration): " + err.Error()
		return l
	}
	if l.OS == "Windows" && lc.Licensing != nil && aws.ToBool(lc.Licensing.OsByol) {
		l.Unknown = "Windows with your own license (osByol): the Price List's license-included price does not apply"
		return l
	}
	if into := lc.LaunchIntoInstanceProperties; into != nil && aws.ToString(into.LaunchIntoEC2InstanceID) != "" {
		return launchInto(ctx, ec2API, l, aws.ToString(into.LaunchIntoEC2InstanceID))
	}
	var data *ec2types.ResponseLaunchTemplateData
	template := aws.ToString(lc.Ec2LaunchTemplateID)
	version := ""
	if template != "" {
		out, err := ec2API.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
			LaunchTemplateId: aws.String(template), Versions: []string{"$Default"}})
		switch {
		case err != nil:
			l.Unknown = "could not read its EC2 launch template " + template + " (DescribeLaunchTemplateVersions): " + err.Error()
			return l
		case len(out.LaunchTemplateVersions) == 0:
			l.Unknown = "its EC2 launch template " + template + " has no default version"
			return l
		}
		v := out.LaunchTemplateVersions[0]
		data, version = v.LaunchTemplateData, fmt.Sprint(aws.ToInt64(v.VersionNumber))
	}
	if data != nil && data.Placement != nil {
		switch data.Placement.Tenancy {
		case ec2types.TenancyDedicated:
			l.Tenancy = "Dedicated"
		case ec2types.TenancyHost:
			l.Unknown = "its launch template places it on a Dedicated Host, which is priced per host, not per instance"
			return l
		}
	}
	if method := lc.TargetInstanceTypeRightSizingMethod; method != drstypes.TargetInstanceTypeRightSizingMethodNone && method != "" {
		if recommended == "" {
			l.Unknown = "DRS right-sizing " + string(method) + " chooses the type at launch and reports no recommended instance type yet"
			return l
		}
		l.InstanceType, l.Basis = recommended, "DRS right-sizing "+string(method)+" (recommended instance type)"
		return l
	}
	switch {
	case template == "":
		l.Unknown = "right-sizing is NONE and DRS names no EC2 launch template"
	case data == nil || data.InstanceType == "":
		l.Unknown = "right-sizing is NONE and launch template " + template + " version " + version + " sets no instance type"
	default:
		l.InstanceType, l.Basis = string(data.InstanceType), "launch template "+template+" version "+version+" (right-sizing NONE)"
	}
	return l
}

func launchInto(ctx context.Context, ec2API *ec2.Client, l Launch, instance string) Launch {
	out, err := ec2API.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{instance}})
	if err != nil {
		l.Unknown = "it launches into EC2 instance " + instance + ", which could not be read (DescribeInstances): " + err.Error()
		return l
	}
	if len(out.Reservations) == 0 || len(out.Reservations[0].Instances) == 0 {
		l.Unknown = "it launches into EC2 instance " + instance + ", which EC2 does not know"
		return l
	}
	in := out.Reservations[0].Instances[0]
	if in.Placement != nil {
		switch in.Placement.Tenancy {
		case ec2types.TenancyDedicated:
			l.Tenancy = "Dedicated"
		case ec2types.TenancyHost:
			l.Unknown = "it launches into EC2 instance " + instance + " on a Dedicated Host, which is priced per host, not per instance"
			return l
		}
	}
	l.InstanceType, l.Basis = string(in.InstanceType), "launches into existing instance "+instance
	return l
}
