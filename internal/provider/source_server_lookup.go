package provider

import (
	"context"
	"errors"

	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
)

// errServerNotFound says that DRS does not know a source server ID.
var errServerNotFound = errors.New("source server not found")

// lookupSourceServer returns one source server from the region's shared
// listing (awsclient.Clients.SourceServers), or errServerNotFound.
func lookupSourceServer(ctx context.Context, clients *awsclient.Clients, id string) (drstypes.SourceServer, error) {
	s, found, err := clients.SourceServers().Get(ctx, id)
	if err != nil {
		return drstypes.SourceServer{}, err
	}
	if !found {
		return drstypes.SourceServer{}, errServerNotFound
	}
	return s, nil
}
