package drssim

import (
	"fmt"
	"net/http"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// estateFor returns the estate of k, creating it only for a region where DRS
// is offered: every estate stays in memory for the life of the process, so a
// request signed for a made-up region must not create one. An estate the
// inventory or the store already holds is served whatever its region.
func (s *Simulator) estateFor(k estateKey) (*estate, *awswire.APIError) {
	s.mu.Lock()
	e, ok := s.estates[k]
	s.mu.Unlock()
	if ok {
		return e, nil
	}
	if !drsapi.IsRegion(k.Region) {
		return nil, invalidRegion(k.Region)
	}
	return s.estate(k), nil
}

// invalidRegion is what AWS answers a request whose SigV4 credential scope
// names a region the endpoint does not serve: 403 InvalidSignatureException,
// "Credential should be scoped to a valid region".
func invalidRegion(region string) *awswire.APIError {
	return awswire.NewError(http.StatusForbidden, "InvalidSignatureException",
		fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. Elastic Disaster Recovery is offered in: %s.", truncateForMessage(region), regionList()))
}

// truncateForMessage shortens a client-supplied string quoted in an error.
func truncateForMessage(r string) string {
	if len(r) > 64 {
		return r[:64] + "…"
	}
	return r
}

func regionList() string {
	out := ""
	for i, r := range drsapi.Regions {
		if i > 0 {
			out += ", "
		}
		out += r.Code
	}
	return out
}
