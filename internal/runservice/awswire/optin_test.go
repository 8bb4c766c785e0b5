package awswire

import "testing"

// A disabled opt-in region refuses only its own account there, with the
// answer each protocol gives unknown credentials.
func TestDisabledRegionsRefuseTheirAccountOnly(t *testing.T) {
	var d DisabledRegions
	d.Set(map[string][]string{"123456789012": {"me-south-1", "ap-east-1"}, "210987654321": nil})
	if got := d.List(); len(got) != 1 || len(got["123456789012"]) != 2 || got["123456789012"][0] != "ap-east-1" {
		t.Fatalf("List() = %v", got)
	}
	for _, id := range []Identity{{Account: "123456789012", Region: "af-south-1"}, {Account: "210987654321", Region: "me-south-1"}} {
		if aerr := d.Refuse(id); aerr != nil {
			t.Fatalf("%+v refused: %v", id, aerr)
		}
	}
	aerr := d.Refuse(Identity{Account: "123456789012", Region: "me-south-1"})
	if aerr == nil {
		t.Fatal("the disabled region answered")
	}
	for proto, want := range map[Protocol]struct {
		code   string
		status int
	}{
		ProtocolREST:  {"UnrecognizedClientException", 403},
		ProtocolJSON:  {"UnrecognizedClientException", 400},
		ProtocolQuery: {"InvalidClientTokenId", 403},
		ProtocolEC2:   {"AuthFailure", 401},
	} {
		e := aerr.APIError(proto)
		if e.Code != want.code || e.Status != want.status || e.Message != "The security token included in the request is invalid." {
			t.Fatalf("protocol %d: %d %s %q, want %d %s", proto, e.Status, e.Code, e.Message, want.status, want.code)
		}
	}
	d.Set(nil)
	if d.Refuse(Identity{Account: "123456789012", Region: "me-south-1"}) != nil {
		t.Fatal("an enabled region still refused")
	}
}
