package awsclient

import (
	"context"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/smithy-go/middleware"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// SourceServers is this region's shared listing of DRS source servers
// (drsapi.ServerCache: its comment gives the lifetime rule). The DRS
// client of these clients keeps it true after every write it makes.
func (c *Clients) SourceServers() *drsapi.ServerCache {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.servers == nil { // clients built by hand, as some tests do
		c.servers = drsapi.NewServerCache(c.DRS, 0)
	}
	return c.servers
}

// keepServerCacheTrue tells the cache about each DRS write the client
// makes, whether or not its answer arrived (a lost answer may still have
// changed the server).
func keepServerCacheTrue(c *Clients) func(*drs.Options) {
	mw := middleware.InitializeMiddlewareFunc("drsorchServerCache",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			noteWrite(c.SourceServers(), middleware.GetOperationName(ctx), in.Parameters)
			return out, md, err
		})
	return func(o *drs.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(mw, middleware.After)
		})
	}
}

// noteWrite marks the server a write names as stale, or drops the whole
// listing when the write may change servers it does not name. Reads
// (Describe…, Get…, List…) change nothing.
func noteWrite(cache *drsapi.ServerCache, op string, input any) {
	for _, read := range []string{"Describe", "Get", "List"} {
		if strings.HasPrefix(op, read) {
			return
		}
	}
	switch in := input.(type) {
	case *drs.TagResourceInput:
		noteTagged(cache, in.ResourceArn)
		return
	case *drs.UntagResourceInput:
		noteTagged(cache, in.ResourceArn)
		return
	}
	// Per-server writes (settings, replication, disconnect …) carry the
	// server in SourceServerID.
	if v := reflect.Indirect(reflect.ValueOf(input)); v.Kind() == reflect.Struct {
		if f := v.FieldByName("SourceServerID"); f.IsValid() && f.Kind() == reflect.Pointer && !f.IsNil() && f.Elem().Kind() == reflect.String {
			cache.Written(f.Elem().String())
			return
		}
	}
	cache.Invalidate()
}

// noteTagged: tags of a source server are part of its listing; tags of
// other DRS resources (jobs, recovery instances) are not.
func noteTagged(cache *drsapi.ServerCache, arn *string) {
	if arn == nil {
		cache.Invalidate()
		return
	}
	if id := drsapi.ServerIDOfARN(*arn); id != "" {
		cache.Written(id)
	}
}
