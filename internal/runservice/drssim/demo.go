package drssim

import "github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"

// AssumeRoleDemoAccount is the second account of the demo estate, the
// target of the examples' assume_role.
const AssumeRoleDemoAccount = "210987654321"

func gib(n int64) int64 { return n << 30 }

// DemoInventory is the estate served without --inventory: a three-tier
// application "shop" plus unassigned servers (some not replicating
// healthily) in us-east-1, a small estate in us-west-2, and one in a second
// account for cross-account discovery.
func DemoInventory() *Inventory {
	shop := func(tier, host, itype string, disks ...DiskSpec) ServerSpec {
		return ServerSpec{Hostname: host, Tags: map[string]string{"app": "shop", "tier": tier},
			RecommendedInstanceType: itype, Disks: disks}
	}
	root := func(n int64) DiskSpec { return DiskSpec{DeviceName: "/dev/sda1", Bytes: gib(n)} }
	data := func(n int64) DiskSpec { return DiskSpec{DeviceName: "/dev/sdb", Bytes: gib(n)} }
	lag := func(s int64) *int64 { return &s }
	return &Inventory{Estates: []EstateSpec{
		{
			Account: awswire.DefaultAccount, Region: "us-east-1",
			Servers: []ServerSpec{
				shop("db", "shop-db-1", "r5.xlarge", root(50), data(500)),
				shop("db", "shop-db-2", "r5.xlarge", root(50), data(500)),
				shop("app", "shop-app-1", "m5.large", root(80)),
				shop("app", "shop-app-2", "m5.large", root(80)),
				shop("app", "shop-app-3", "m5.large", root(80)),
				shop("web", "shop-web-1", "t3.medium", root(30)),
				shop("web", "shop-web-2", "t3.medium", root(30)),
				shop("web", "shop-web-3", "t3.medium", root(30)),
				shop("web", "shop-web-4", "t3.medium", root(30)),
				{Hostname: "files-1", OS: "WINDOWS", Tags: map[string]string{"team": "it"}, RecommendedInstanceType: "m5.xlarge",
					Disks: []DiskSpec{{DeviceName: "C:", Bytes: gib(120)}, {DeviceName: "D:", Bytes: gib(1024)}}},
				{Hostname: "legacy-crm-1", Tags: map[string]string{"team": "sales"}, ReplicationState: "STALLED", LagSeconds: lag(5400)},
				{Hostname: "build-agent-1", Tags: map[string]string{"team": "dev"}, ReplicationState: "INITIAL_SYNC"},
			},
		},
		{
			Account: awswire.DefaultAccount, Region: "us-west-2",
			Servers: []ServerSpec{
				{Hostname: "edge-proxy-1", Tags: map[string]string{"app": "edge", "tier": "web"}},
				{Hostname: "edge-proxy-2", Tags: map[string]string{"app": "edge", "tier": "web"}},
				{Hostname: "edge-cache-1", Tags: map[string]string{"app": "edge", "tier": "cache"}, ReplicationState: "BACKLOG", LagSeconds: lag(900)},
			},
		},
		{
			Account: AssumeRoleDemoAccount, Region: "us-east-1",
			Servers: []ServerSpec{
				{Hostname: "billing-db-1", Tags: map[string]string{"app": "billing", "tier": "db"}, RecommendedInstanceType: "r5.large"},
				{Hostname: "billing-app-1", Tags: map[string]string{"app": "billing", "tier": "app"}},
				{Hostname: "billing-app-2", Tags: map[string]string{"app": "billing", "tier": "app"}},
			},
		},
	}}
}
