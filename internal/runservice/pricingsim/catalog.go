package pricingsim

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// The shape of one Price List product (format aws_v1), as GetProducts
// returns each item of PriceList: a JSON document in a string (the model
// marks PriceList's members jsonvalue; botocore pricing 2017-10-15).
type product struct {
	Product struct {
		ProductFamily string            `json:"productFamily"`
		Attributes    map[string]string `json:"attributes"`
		SKU           string            `json:"sku"`
	} `json:"product"`
	ServiceCode     string           `json:"serviceCode"`
	Terms           map[string]terms `json:"terms"`
	Version         string           `json:"version"`
	PublicationDate string           `json:"publicationDate"`
}

type terms map[string]offerTerm

type offerTerm struct {
	PriceDimensions map[string]priceDimension `json:"priceDimensions"`
	SKU             string                    `json:"sku"`
	EffectiveDate   string                    `json:"effectiveDate"`
	OfferTermCode   string                    `json:"offerTermCode"`
	TermAttributes  map[string]string         `json:"termAttributes"`
}

type priceDimension struct {
	Unit         string            `json:"unit"`
	EndRange     string            `json:"endRange"`
	Description  string            `json:"description"`
	AppliesTo    []string          `json:"appliesTo"`
	RateCode     string            `json:"rateCode"`
	BeginRange   string            `json:"beginRange"`
	PricePerUnit map[string]string `json:"pricePerUnit"`
}

// The on-demand offer term code and rate code suffix AWS uses for every
// on-demand price.
const (
	onDemandTermCode = "JRTCKXETXF"
	rateCodeSuffix   = "6YS6EN2CT7"
	// The simulated price list's publication.
	publicationDate = "2026-11-01T00:00:00Z"
	priceVersion    = "20261101000000"
)

// item is one product of the catalog with its JSON text.
type item struct {
	sku   string
	attrs map[string]string
	json  string
}

// catalog builds the simulated AmazonEC2 products, sorted by SKU (the
// order pages are cut in).
func catalog() []item {
	var out []item
	for _, r := range drsapi.Regions {
		factor, ok := simulatedRegionFactor[r.Code]
		if !ok {
			continue
		}
		for itype, base := range simulatedLinuxUSEast1 {
			for _, v := range simulatedVariants {
				out = append(out, newItem(r, itype, v.tenancy, v.capacity, base*factor*v.factor))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].sku < out[j].sku })
	return out
}

func newItem(r drsapi.Region, itype, tenancy, capacity string, usd float64) item {
	size := simulatedSizes[itype]
	attrs := map[string]string{
		"servicecode": "AmazonEC2", "servicename": "Amazon Elastic Compute Cloud",
		"instanceType": itype, "instanceFamily": family(itype),
		"location": r.Name, "locationType": "AWS Region", "regionCode": r.Code,
		"operatingSystem": "Linux", "licenseModel": "No License required", "preInstalledSw": "NA",
		"tenancy": tenancy, "capacitystatus": capacity, "marketoption": "OnDemand", "operation": "RunInstances",
		"vcpu": fmt.Sprint(size[0]), "memory": fmt.Sprintf("%d GiB", size[1]),
	}
	sku := skuOf(r.Code, itype, tenancy, capacity)
	var p product
	p.Product.ProductFamily = "Compute Instance"
	p.Product.Attributes = attrs
	p.Product.SKU = sku
	p.ServiceCode = "AmazonEC2"
	p.Version, p.PublicationDate = priceVersion, publicationDate
	price := priceString(usd)
	desc := fmt.Sprintf("$%s per On Demand Linux %s Instance Hour", strings.TrimRight(strings.TrimRight(price, "0"), "."), itype)
	if capacity != "Used" {
		desc = fmt.Sprintf("$%s per %s Linux %s Instance Hour", strings.TrimRight(strings.TrimRight(price, "0"), "."), capacity, itype)
	}
	term := sku + "." + onDemandTermCode
	p.Terms = map[string]terms{"OnDemand": {term: {
		SKU: sku, EffectiveDate: publicationDate, OfferTermCode: onDemandTermCode, TermAttributes: map[string]string{},
		PriceDimensions: map[string]priceDimension{term + "." + rateCodeSuffix: {
			Unit: "Hrs", BeginRange: "0", EndRange: "Inf", Description: desc, AppliesTo: []string{},
			RateCode: term + "." + rateCodeSuffix, PricePerUnit: map[string]string{"USD": price},
		}},
	}}}
	b, _ := json.Marshal(p)
	return item{sku: sku, attrs: attrs, json: string(b)}
}

// skuOf makes a stable SKU of 16 characters in AWS's alphabet.
func skuOf(parts ...string) string {
	const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	sum := sha256.Sum256([]byte(strings.Join(parts, "/")))
	b := make([]byte, 16)
	for i := range b {
		b[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(b)
}

func family(itype string) string {
	switch itype[0] {
	case 't', 'm':
		return "General purpose"
	case 'c':
		return "Compute optimized"
	case 'r':
		return "Memory optimized"
	}
	return "General purpose"
}
