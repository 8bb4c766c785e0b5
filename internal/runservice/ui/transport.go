package ui

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// inProcess is an http.RoundTripper that serves each request with the run
// service's own handler, without a socket: the dashboard reads and steers
// executions through the same wire APIs as every other client.
type inProcess struct{ api http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:0"
	if r.Host == "" {
		r.Host = req.URL.Host
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := &recorder{header: http.Header{}}
	t.api.ServeHTTP(rec, r)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return rec.response(req), nil
}

// recorder collects one response of the in-process handler.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(p)
}

func (r *recorder) response(req *http.Request) *http.Response {
	r.WriteHeader(http.StatusOK)
	h := r.header.Clone()
	h.Set("Content-Length", strconv.Itoa(r.body.Len()))
	return &http.Response{
		Status:        strconv.Itoa(r.status) + " " + http.StatusText(r.status),
		StatusCode:    r.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(r.body.Bytes())),
		ContentLength: int64(r.body.Len()),
		Request:       req,
	}
}

// Static secret of the dashboard's credentials: the run service reads the
// account from the access key and does not verify signatures.
const dashboardSecret = "drsorch-dashboard"

// logsFor builds the CloudWatch Logs client of one account and region,
// served in process by api.
func logsFor(api http.Handler, est Estate) *cloudwatchlogs.Client {
	return cloudwatchlogs.NewFromConfig(inProcessConfig(api, est))
}

func inProcessConfig(api http.Handler, est Estate) aws.Config {
	return aws.Config{
		Region:           est.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(awswire.SessionAccessKey(est.Account, awswire.DashboardKeySuffix), dashboardSecret, ""),
		BaseEndpoint:     aws.String("http://drsorch-run-service.internal"),
		HTTPClient:       &http.Client{Transport: inProcess{api: api}},
		RetryMaxAttempts: 1,
	}
}

// clientsFor builds the AWS clients of one account and region, served in
// process by api.
func clientsFor(api http.Handler, est Estate) executions.Clients {
	cfg := inProcessConfig(api, est)
	return executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}
}

// stsClient asks STS who the dashboard's credentials are (in process, or
// the console's own STS client): the identity its actions record.
func (d *Dashboard) stsClient(est Estate) *sts.Client {
	if d.opts.STS != nil {
		return d.opts.STS(est)
	}
	return sts.NewFromConfig(inProcessConfig(d.opts.API, est))
}

// ec2Client returns the EC2 client of an account and region.
func (d *Dashboard) ec2Client(est Estate) *ec2.Client {
	if d.opts.EC2 != nil {
		return d.opts.EC2(est)
	}
	return ec2.NewFromConfig(inProcessConfig(d.opts.API, est))
}

// pricingClient returns the AWS Price List client for an estate's cost
// estimates and the region it is signed for (the Price List answers in a
// few regions only); nil in a partition without a Price List.
func (d *Dashboard) pricingClient(est Estate) (*pricing.Client, string) {
	if d.opts.Pricing != nil {
		return d.opts.Pricing(est)
	}
	region, ok := awsclient.PricingEndpointRegion(est.Region)
	if !ok {
		return nil, ""
	}
	return pricing.NewFromConfig(inProcessConfig(d.opts.API, Estate{Account: est.Account, Region: region})), region
}
