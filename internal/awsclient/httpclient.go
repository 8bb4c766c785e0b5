package awsclient

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// NewHTTPClient is the SDK's default HTTP client with two guards: request
// bodies are handed to net/http as plain readers, and a dial failure to an
// endpoint that never answered is an UnreachableError (failfast.go).
//
// Why: smithy-go closes the request body as soon as the response headers
// arrive, and its closed body answers WriteTo with io.EOF. When net/http's
// final end-of-body check runs after that close, it sees EOF as a write
// error and closes the connection under the response still being read
// ("use of closed network connection" while decoding). With a plain reader
// io.Copy treats EOF as the normal end.
func NewHTTPClient() aws.HTTPClient {
	return WrapHTTPClient(awshttp.NewBuildableClient())
}

// WrapHTTPClient adds the guards to an HTTP client (nil means the SDK's
// default), keeping whatever the SDK configured on it (CA bundle, proxies).
func WrapHTTPClient(c aws.HTTPClient) aws.HTTPClient {
	if c == nil {
		c = awshttp.NewBuildableClient()
	}
	if _, ok := c.(readerBodyClient); ok {
		return c
	}
	return readerBodyClient{failFastClient{HTTPClient: c, answered: &answeredHosts{}}}
}

type readerBodyClient struct{ aws.HTTPClient }

func (c readerBodyClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = readerBody{req.Body}
	}
	return c.HTTPClient.Do(req)
}

// readerBody exposes only Read and Close, hiding io.WriterTo.
type readerBody struct{ io.ReadCloser }
