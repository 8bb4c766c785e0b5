package cost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// Bounds of one price read.
const (
	// maxCached keeps the cache bounded: any region and type can be asked
	// for through the page.
	maxCached = 4096
	// maxPages stops a query that matches far more products than one
	// price needs.
	maxPages = 5
	// priceReaders bounds the GetProducts calls in flight.
	priceReaders = 4
)

// PriceList reads on-demand hourly prices from the AWS Price List Query
// API (pricing:GetProducts) and keeps every answer for the life of the
// process: prices change a few times a year, and the API is rate limited.
// Failed reads are not kept, so the next page asks again.
type PriceList struct {
	mu    sync.Mutex
	cache map[cacheKey]Price
}

type cacheKey struct {
	endpoint string // the Price List endpoint's region (partition)
	key      PriceKey
}

// NewPriceList returns an empty price cache.
func NewPriceList() *PriceList { return &PriceList{cache: map[cacheKey]Price{}} }

// Prices returns the price of every key, reading the ones not cached
// through client (signed for endpointRegion). The first failed read ends
// the call with its error: a Price List that cannot be read (no
// pricing:GetProducts permission, no endpoint) makes the whole estimate
// unavailable rather than partly priced.
func (p *PriceList) Prices(ctx context.Context, client *pricing.Client, endpointRegion string, keys []PriceKey) (map[PriceKey]Price, error) {
	out := map[PriceKey]Price{}
	var missing []PriceKey
	p.mu.Lock()
	for _, k := range keys {
		if v, ok := p.cache[cacheKey{endpointRegion, k}]; ok {
			out[k] = v
		} else {
			missing = append(missing, k)
		}
	}
	p.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	if client == nil {
		return nil, fmt.Errorf("the AWS Price List Query API has no endpoint in the partition of %s", keys[0].Region)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type answer struct {
		key   PriceKey
		price Price
		err   error
	}
	answers := make(chan answer, len(missing))
	sem := make(chan struct{}, priceReaders)
	for _, k := range missing {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			price, err := readPrice(ctx, client, k)
			answers <- answer{k, price, err}
		}()
	}
	var firstErr error
	for range missing {
		a := <-answers
		if a.err != nil {
			if firstErr == nil {
				firstErr = a.err
				cancel()
			}
			continue
		}
		out[a.key] = a.price
		p.mu.Lock()
		if len(p.cache) < maxCached {
			p.cache[cacheKey{endpointRegion, a.key}] = a.price
		}
		p.mu.Unlock()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// Filters is the GetProducts query of one on-demand price: the instance
// type in the region (by its Price List location name, by regionCode for
// a region drsorch does not name), with the operating system, the tenancy,
// no pre-installed software, license included, and capacitystatus Used
// (not the capacity-reservation rows of the same type). TERM_MATCH on
// product attributes is how GetProducts filters (botocore pricing
// 2017-10-15, Filter; https://awscli.amazonaws.com/v2/documentation/api/latest/reference/pricing/get-products.html).
func Filters(k PriceKey) []pricingtypes.Filter {
	term := func(field, value string) pricingtypes.Filter {
		return pricingtypes.Filter{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String(field), Value: aws.String(value)}
	}
	where := term("regionCode", k.Region)
	for _, r := range drsapi.Regions {
		if r.Code == k.Region {
			where = term("location", r.Name)
		}
	}
	return []pricingtypes.Filter{
		term("instanceType", k.InstanceType), where, term("operatingSystem", k.OS), term("tenancy", k.Tenancy),
		term("preInstalledSw", "NA"), term("capacitystatus", "Used"), term("licenseModel", "No License required"),
	}
}

func readPrice(ctx context.Context, client *pricing.Client, k PriceKey) (Price, error) {
	in := &pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2"), FormatVersion: aws.String("aws_v1"), Filters: Filters(k), MaxResults: aws.Int32(100)}
	var items []string
	for page := 0; ; page++ {
		out, err := client.GetProducts(ctx, in)
		if err != nil {
			hint := ""
			var apiErr smithy.APIError
			if errors.As(err, &apiErr) && strings.Contains(apiErr.ErrorCode(), "AccessDenied") {
				hint = "; allow pricing:GetProducts (Resource \"*\") to the credentials"
			}
			return Price{}, fmt.Errorf("read the price of %s %s in %s from the AWS Price List (pricing:GetProducts): %w%s", k.OS, k.InstanceType, k.Region, err, hint)
		}
		items = append(items, out.PriceList...)
		if aws.ToString(out.NextToken) == "" {
			break
		}
		if page+1 == maxPages {
			return Price{Detail: fmt.Sprintf("more than %d products match", len(items))}, nil
		}
		in.NextToken = out.NextToken
	}
	return hourlyPrice(items)
}

// priceItem is the part of a Price List product (format aws_v1) read here.
type priceItem struct {
	Product struct {
		SKU string `json:"sku"`
	} `json:"product"`
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// hourlyPrice reads the one on-demand USD price per hour the products
// hold. None, or several different ones, is not guessed at: the server
// is then listed as unpriced with what was found.
func hourlyPrice(items []string) (Price, error) {
	if len(items) == 0 {
		return Price{Detail: "no product matches"}, nil
	}
	prices := map[string]float64{}
	for _, raw := range items {
		var it priceItem
		if err := json.Unmarshal([]byte(raw), &it); err != nil {
			return Price{}, fmt.Errorf("the AWS Price List returned a product that is not aws_v1 JSON: %w", err)
		}
		for _, term := range it.Terms.OnDemand {
			for _, d := range term.PriceDimensions {
				usd, ok := d.PricePerUnit["USD"]
				if d.Unit != "Hrs" || !ok {
					continue
				}
				v, err := strconv.ParseFloat(usd, 64)
				if err != nil || v < 0 {
					return Price{}, fmt.Errorf("the AWS Price List returned price %q for SKU %s, not a number of USD", usd, it.Product.SKU)
				}
				prices[strconv.FormatFloat(v, 'f', -1, 64)] = v
			}
		}
	}
	switch len(prices) {
	case 0:
		return Price{Detail: fmt.Sprintf("%d product(s) but no on-demand USD price per hour", len(items))}, nil
	case 1:
		for _, v := range prices {
			return Price{USDPerHour: v, Found: true}, nil
		}
	}
	var list []string
	for s := range prices {
		list = append(list, "$"+s)
	}
	sort.Strings(list)
	return Price{Detail: fmt.Sprintf("%d products with different on-demand prices (%s)", len(items), strings.Join(list, ", "))}, nil
}
