package provider

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// settingsServerIndex knows the source servers of one configured region,
// so that the settings resources can check at plan time that their server
// exists (and read its ARN and disks) without one API call per resource:
// the first lookup lists every server (DescribeSourceServers, pages of
// 1000) and later lookups of the same provider run are answered from
// memory. An ID missing from the list is asked for once more on its own,
// in case the server was added after the list was read.
type settingsServerIndex struct {
	clients *awsclient.Clients

	mu      sync.Mutex
	loaded  bool
	servers map[string]drstypes.SourceServer
}

// Indexes live as long as the clients of one Configure call, i.e. one
// Terraform command.
var settingsServerIndexes sync.Map // *awsclient.Clients -> *settingsServerIndex

func serverIndexFor(c *awsclient.Clients) *settingsServerIndex {
	if idx, ok := settingsServerIndexes.Load(c); ok {
		return idx.(*settingsServerIndex)
	}
	idx, _ := settingsServerIndexes.LoadOrStore(c, &settingsServerIndex{clients: c, servers: map[string]drstypes.SourceServer{}})
	return idx.(*settingsServerIndex)
}

// errServerNotFound says that DRS does not know a source server ID.
var errServerNotFound = errors.New("source server not found")

// lookup returns the source server id, or errServerNotFound.
func (x *settingsServerIndex) lookup(ctx context.Context, id string) (drstypes.SourceServer, error) {
	// The lock is held during the listing on purpose: concurrent plans of
	// many resources wait for one listing instead of each starting one.
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.loaded {
		all, err := drsapi.ListSourceServers(ctx, x.clients.DRS, nil)
		if err != nil {
			return drstypes.SourceServer{}, err
		}
		for _, s := range all {
			x.servers[aws.ToString(s.SourceServerID)] = s
		}
		x.loaded = true
	}
	if s, ok := x.servers[id]; ok {
		return s, nil
	}
	s, found, err := drsapi.GetSourceServer(ctx, x.clients.DRS, id)
	if err != nil {
		return drstypes.SourceServer{}, err
	}
	if !found {
		return drstypes.SourceServer{}, errServerNotFound
	}
	x.servers[id] = s
	return s, nil
}
