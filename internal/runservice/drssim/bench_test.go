package drssim_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// BenchmarkDescribeSourceServers4000 pages through 4,000 servers with the
// SDK paginator at the largest page size (4 calls per read).
func BenchmarkDescribeSourceServers4000(b *testing.B) {
	svc := start(b, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1", Generate: &drssim.GenerateSpec{Count: 4000}}}})
	c := drsClient(svc, "us-east-1")
	svc.App.DRS.ResetStats()
	b.ResetTimer()
	for b.Loop() {
		p := drs.NewDescribeSourceServersPaginator(c, &drs.DescribeSourceServersInput{MaxResults: aws.Int32(1000)})
		n := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Items)
		}
		if n != 4000 {
			b.Fatalf("%d servers, want 4000", n)
		}
	}
	b.ReportMetric(float64(svc.App.DRS.Stats()["DescribeSourceServers"])/float64(b.N), "calls/op")
}

// BenchmarkInvokeDescribeSourceServers4000 is the simulator's share of the
// same read: four 1,000-server pages through Invoke, without HTTP or SDK.
func BenchmarkInvokeDescribeSourceServers4000(b *testing.B) {
	svc := start(b, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1", Generate: &drssim.GenerateSpec{Count: 4000}}}})
	id := awswire.Identity{Account: awswire.DefaultAccount, Region: "us-east-1"}
	b.ResetTimer()
	for b.Loop() {
		token := ""
		for pages := 0; pages == 0 || token != ""; pages++ {
			body := `{"maxResults":1000}`
			if token != "" {
				body = `{"maxResults":1000,"nextToken":"` + token + `"}`
			}
			out, err := svc.App.DRS.Invoke(ctx, id, "DescribeSourceServers", []byte(body))
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				NextToken string `json:"nextToken"`
			}
			if err := json.Unmarshal(out, &page); err != nil {
				b.Fatal(err)
			}
			token = page.NextToken
		}
	}
}
