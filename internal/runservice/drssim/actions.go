package drssim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Launch actions: SSM documents DRS runs on a recovery instance after
// launch, kept per source server or per launch configuration template
// (the template's actions apply to servers added later).

type launchAction struct {
	ActionID      string                           `json:"actionId"`
	ActionCode    string                           `json:"actionCode"`
	Type          string                           `json:"type"`
	Name          string                           `json:"name"`
	Active        bool                             `json:"active"`
	Order         int32                            `json:"order"`
	ActionVersion string                           `json:"actionVersion"`
	Optional      bool                             `json:"optional"`
	Parameters    map[string]launchActionParameter `json:"parameters,omitempty"`
	Description   string                           `json:"description"`
	Category      string                           `json:"category"`
}

type launchActionParameter struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

var (
	reLaunchActionResource = regexp.MustCompile(`^(s-[0-9a-zA-Z]{17}|lct-[0-9a-zA-Z]{17})$`)
	reActionID             = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reActionCode           = regexp.MustCompile(`^[A-Za-z0-9-/:]+$`)
	reActionName           = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 /_-]{0,255}$`)
	reActionVersion        = regexp.MustCompile(`^(\$DEFAULT|\$LATEST|[0-9]+)$`)
	reActionDescription    = regexp.MustCompile(`^[0-9a-zA-Z ():/.,'\-_#*; ]*$`)
	reActionParamName      = regexp.MustCompile(`^[0-9a-zA-Z]+$`)
	// The model's value pattern is [A-Za-z0-9.-]+; read anchored (the stricter
	// reading): a value names an SSM parameter or a dynamic value, not a script.
	reActionParamValue  = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)
	enumActionCategory  = []string{"MONITORING", "VALIDATION", "CONFIGURATION", "SECURITY", "OTHER"}
	enumActionParamType = []string{"SSM_STORE", "DYNAMIC"}
)

// actionsOf returns the launch actions of a source server or template and
// a function that stores them.
func (c *opContext) actionsOf(resourceID string) ([]launchAction, func([]launchAction), *awswire.APIError) {
	if err := checkRequiredPattern("resourceId", resourceID, reLaunchActionResource, "a source server ID (s-…) or launch configuration template ID (lct-…)"); err != nil {
		return nil, nil, err
	}
	if strings.HasPrefix(resourceID, "lct-") {
		t, err := c.e.launchTemplate(resourceID)
		if err != nil {
			return nil, nil, err
		}
		return t.Actions, func(a []launchAction) { t.Actions = a; c.e.dirtyMeta = true }, nil
	}
	r, ok := c.e.byID[resourceID]
	if !ok {
		return nil, nil, notFound("SOURCE_SERVER", resourceID)
	}
	return r.Actions, func(a []launchAction) { r.Actions = a; c.e.dirtyServers[resourceID] = true }, nil
}

// ssmActionType tells an SSM Command document from an Automation runbook.
// DRS reads the document's type from SSM; the simulator has no document
// catalogue, so it knows the AWS-owned Command documents DRS actions use
// and otherwise goes by the name (…Command… is a command).
func ssmActionType(code string) string {
	if strings.HasPrefix(code, "AWS-Run") || strings.Contains(code, "Command") || slices.Contains(awsCommandDocuments, code) {
		return "SSM_COMMAND"
	}
	return "SSM_AUTOMATION"
}

var awsCommandDocuments = []string{"AWS-ConfigureAWSPackage", "AWS-InstallApplication", "AWS-UpdateSSMAgent", "AWS-ApplyPatchBaseline",
	"AWS-ConfigureCloudWatch", "AWS-InstallPowerShellModule", "AWS-UpdateEC2Config", "AWS-ConfigureWindowsUpdate", "AWS-JoinDirectoryServiceDomain"}

func opPutLaunchAction(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		ResourceID    string                           `json:"resourceId"`
		ActionCode    string                           `json:"actionCode"`
		Order         *int32                           `json:"order"`
		ActionID      string                           `json:"actionId"`
		Optional      *bool                            `json:"optional"`
		Active        *bool                            `json:"active"`
		Name          string                           `json:"name"`
		ActionVersion string                           `json:"actionVersion"`
		Category      string                           `json:"category"`
		Parameters    map[string]launchActionParameter `json:"parameters"`
		Description   *string                          `json:"description"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	checks := []struct {
		name, v string
		re      *regexp.Regexp
		what    string
	}{
		{"actionCode", req.ActionCode, reActionCode, "an SSM document name (at most 1011 letters, digits, -, / and :)"},
		{"actionId", req.ActionID, reActionID, "a UUID"},
		{"name", req.Name, reActionName, "a launch action name (letters, digits, space, /, _ and -)"},
		{"actionVersion", req.ActionVersion, reActionVersion, "$DEFAULT, $LATEST or a document version number"},
	}
	for _, ck := range checks {
		if err := checkRequiredPattern(ck.name, ck.v, ck.re, ck.what); err != nil {
			return nil, err
		}
	}
	switch {
	case req.Order == nil:
		return nil, invalidField("order", "is required")
	case *req.Order < 2 || *req.Order > 10000:
		return nil, invalidField("order", "%d is out of range: use 2 to 10000", *req.Order)
	case req.Optional == nil:
		return nil, invalidField("optional", "is required")
	case req.Active == nil:
		return nil, invalidField("active", "is required")
	case req.Description == nil:
		return nil, invalidField("description", "is required")
	case len(req.ActionCode) > 1011:
		return nil, invalidField("actionCode", "is %d characters long; at most 1011 are allowed", len(req.ActionCode))
	case len(*req.Description) > 1024 || !reActionDescription.MatchString(*req.Description):
		return nil, invalidField("description", "may hold at most 1024 letters, digits, spaces and ():/.,'-_#*;")
	}
	if err := checkEnumSet("category", req.Category, enumActionCategory); err != nil {
		return nil, err
	}
	if len(req.Parameters) > 20 {
		return nil, invalidField("parameters", "has %d parameters; at most 20 are allowed", len(req.Parameters))
	}
	for name, p := range req.Parameters {
		if !reActionParamName.MatchString(name) || len(name) > 1011 {
			return nil, invalidField("parameters", "parameter name %q must be 1 to 1011 letters or digits", name)
		}
		if !reActionParamValue.MatchString(p.Value) || len(p.Value) > 1011 {
			return nil, invalidField("parameters."+name+".value", "%q must be 1 to 1011 letters, digits, . or - (an SSM parameter name or a dynamic value)", p.Value)
		}
		if err := checkEnumSet("parameters."+name+".type", p.Type, enumActionParamType); err != nil {
			return nil, err
		}
	}
	actions, store, err := c.actionsOf(req.ResourceID)
	if err != nil {
		return nil, err
	}
	a := launchAction{ActionID: req.ActionID, ActionCode: req.ActionCode, Type: ssmActionType(req.ActionCode), Name: req.Name,
		Active: *req.Active, Order: *req.Order, ActionVersion: req.ActionVersion, Optional: *req.Optional,
		Parameters: req.Parameters, Description: *req.Description, Category: req.Category}
	out := slices.Clone(actions)
	i := slices.IndexFunc(out, func(x launchAction) bool { return x.ActionID == a.ActionID })
	for _, x := range out {
		if x.ActionID != a.ActionID && x.Order == a.Order {
			return nil, conflict("LAUNCH_ACTION", x.ActionID, fmt.Sprintf("launch action %s of %s already runs at order %d: orders are unique per resource", x.ActionID, req.ResourceID, a.Order))
		}
	}
	if i >= 0 {
		out[i] = a
	} else {
		// Quota L-0588D03B. PutLaunchAction models no
		// ServiceQuotaExceededException: the limit is a conflict.
		if limit := c.e.quota(QuotaLaunchActions); len(out)+1 > limit {
			return nil, conflict("LAUNCH_ACTION", a.ActionID, fmt.Sprintf("%s already has %d launch actions: quota %s (Max number of launch actions per resource) is %d", req.ResourceID, len(out), QuotaLaunchActions, limit))
		}
		out = append(out, a)
	}
	sort.Slice(out, func(x, y int) bool { return out[x].Order < out[y].Order })
	store(out)
	return struct {
		ResourceID string `json:"resourceId"`
		launchAction
	}{req.ResourceID, a}, nil
}

func opListLaunchActions(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		ResourceID string `json:"resourceId"`
		Filters    *struct {
			ActionIDs []string `json:"actionIds"`
		} `json:"filters"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.Filters != nil && len(req.Filters.ActionIDs) > 100 {
		return nil, invalidField("filters.actionIds", "has %d IDs; at most 100 are allowed", len(req.Filters.ActionIDs))
	}
	actions, _, err := c.actionsOf(req.ResourceID)
	if err != nil {
		return nil, err
	}
	var hits []launchAction
	for _, a := range actions {
		if req.Filters == nil || len(req.Filters.ActionIDs) == 0 || slices.Contains(req.Filters.ActionIDs, a.ActionID) {
			hits = append(hits, a)
		}
	}
	from, to, next, err := page("ListLaunchActions", len(hits), func(i int) int64 { return int64(hits[i].Order) }, req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	return listResponse{Items: append([]launchAction{}, hits[from:to]...), NextToken: next}, nil
}

func opDeleteLaunchAction(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		ResourceID string `json:"resourceId"`
		ActionID   string `json:"actionId"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkRequiredPattern("actionId", req.ActionID, reActionID, "a UUID"); err != nil {
		return nil, err
	}
	actions, store, err := c.actionsOf(req.ResourceID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(actions, func(x launchAction) bool { return x.ActionID == req.ActionID })
	if i < 0 {
		return nil, notFound("LAUNCH_ACTION", req.ActionID)
	}
	store(slices.Delete(slices.Clone(actions), i, i+1))
	return nil, nil
}

// runIDFor is a stable UUID-shaped run ID (the model's LaunchActionRunId).
func runIDFor(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "/")))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
