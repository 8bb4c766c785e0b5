package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The SDK leaves a zero bandwidthThrottling out of the request (the member
// is a plain int64), so "no limit" could never be written back. This
// option puts the explicit 0 into the serialized JSON body.
func withZeroBandwidthThrottling(o *drs.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Build.Add(middleware.BuildMiddlewareFunc("drsorchZeroBandwidthThrottling",
			func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				req, ok := in.Request.(*smithyhttp.Request)
				if !ok {
					return next.HandleBuild(ctx, in)
				}
				body := []byte("{}")
				if s := req.GetStream(); s != nil {
					b, err := io.ReadAll(s)
					if err != nil {
						return middleware.BuildOutput{}, middleware.Metadata{}, fmt.Errorf("read request body: %w", err)
					}
					if len(b) > 0 {
						body = b
					}
				}
				var doc map[string]json.RawMessage
				if err := json.Unmarshal(body, &doc); err != nil {
					return middleware.BuildOutput{}, middleware.Metadata{}, fmt.Errorf("decode request body: %w", err)
				}
				doc["bandwidthThrottling"] = json.RawMessage("0")
				out, err := json.Marshal(doc)
				if err != nil {
					return middleware.BuildOutput{}, middleware.Metadata{}, err
				}
				if req, err = req.SetStream(bytes.NewReader(out)); err != nil {
					return middleware.BuildOutput{}, middleware.Metadata{}, err
				}
				req.ContentLength = int64(len(out))
				in.Request = req
				return next.HandleBuild(ctx, in)
			}), middleware.Before)
	})
}
