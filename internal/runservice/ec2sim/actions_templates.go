package ec2sim

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// The launch template actions. Launch templates are not created or
// deleted here: DRS owns the one of each source server.

// template finds the template a request names by LaunchTemplateId or
// LaunchTemplateName (exactly one of them).
func (c *call) template() (*launchTemplate, *awswire.APIError) {
	id, name := c.f.get("LaunchTemplateId"), c.f.get("LaunchTemplateName")
	switch {
	case id != "" && name != "":
		return nil, clientError("InvalidParameterCombination", "Both launch template ID and launch template name cannot be specified in the request.")
	case id != "":
		if !reTemplateID.MatchString(id) {
			return nil, templateMalformed(id)
		}
		if t, ok := c.e.templates[id]; ok {
			return t, nil
		}
		return nil, templateNotFound(id)
	case name != "":
		for _, t := range c.e.templates {
			if t.Name == name {
				return t, nil
			}
		}
		return nil, templateNameNotFound()
	}
	return nil, missingParameter("LaunchTemplateId or LaunchTemplateName")
}

type describeLaunchTemplatesResponse struct {
	respMeta
	Templates []xmlLaunchTemplate `xml:"launchTemplates>item"`
	NextToken string              `xml:"nextToken,omitempty"`
}

func describeLaunchTemplates(c *call) (response, bool, *awswire.APIError) {
	ids, names := c.f.list("LaunchTemplateId"), c.f.list("LaunchTemplateName")
	for _, id := range ids {
		if !reTemplateID.MatchString(id) {
			return nil, false, templateMalformed(id)
		}
		if _, ok := c.e.templates[id]; !ok {
			return nil, false, templateNotFound(id)
		}
	}
	filters := c.f.filters()
	var out []xmlLaunchTemplate
	for _, t := range c.e.sortedTemplates() {
		if len(ids) > 0 && !slices.Contains(ids, t.ID) || len(names) > 0 && !slices.Contains(names, t.Name) {
			continue
		}
		tags := map[string]string{}
		for _, tg := range t.Tags {
			tags[tg.Key] = tg.Value
		}
		ok, err := matchFilters(filters, func(name string) ([]string, bool) {
			if name == "launch-template-name" {
				return []string{t.Name}, true
			}
			return tagFilter(name, tags)
		})
		if err != nil {
			return nil, false, asAPIError(err)
		}
		if ok {
			out = append(out, t.xml())
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(out, func(x xmlLaunchTemplate) bool { return x.LaunchTemplateName == n }) {
			return nil, false, templateNameNotFound()
		}
	}
	items, next, err := page(c.f, out, 200)
	if err != nil {
		return nil, false, err
	}
	return &describeLaunchTemplatesResponse{Templates: items, NextToken: next}, false, nil
}

type describeLaunchTemplateVersionsResponse struct {
	respMeta
	Versions  []xmlVersion `xml:"launchTemplateVersionSet>item"`
	NextToken string       `xml:"nextToken,omitempty"`
}

func describeLaunchTemplateVersions(c *call) (response, bool, *awswire.APIError) {
	t, err := c.template()
	if err != nil {
		return nil, false, err
	}
	var picked []*version
	if want := c.f.list("LaunchTemplateVersion"); len(want) > 0 {
		for _, w := range want {
			v, err := t.resolveVersion(w)
			if err != nil {
				return nil, false, err
			}
			if !slices.Contains(picked, v) {
				picked = append(picked, v)
			}
		}
	} else {
		lo, hi := int64(1), t.latest()
		for key, bound := range map[string]*int64{"MinVersion": &lo, "MaxVersion": &hi} {
			if s := c.f.get(key); s != "" {
				n, perr := strconv.ParseInt(s, 10, 64)
				if perr != nil || n < 1 {
					return nil, false, invalidParameterValue(fmt.Sprintf("Value (%s) for parameter %s is invalid.", s, key))
				}
				*bound = n
			}
		}
		for _, v := range t.Versions {
			if v.Number >= lo && v.Number <= hi {
				picked = append(picked, v)
			}
		}
	}
	out := make([]xmlVersion, 0, len(picked))
	for _, v := range picked {
		out = append(out, t.versionXML(v))
	}
	items, next, err := page(c.f, out, 200)
	if err != nil {
		return nil, false, err
	}
	return &describeLaunchTemplateVersionsResponse{Versions: items, NextToken: next}, false, nil
}

type createLaunchTemplateVersionResponse struct {
	respMeta
	Version xmlVersion `xml:"launchTemplateVersion"`
}

// maxVersions is EC2's quota of versions per launch template.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-launch-templates.html
const maxVersions = 10000

func createLaunchTemplateVersion(c *call) (response, bool, *awswire.APIError) {
	t, err := c.template()
	if err != nil {
		return nil, false, err
	}
	data, set, err := parseTemplateData(c.f)
	if err != nil {
		return nil, false, err
	}
	if !c.f.has("LaunchTemplateData.InstanceType") && len(set) == 0 && !c.f.has("SourceVersion") {
		return nil, false, missingParameter("LaunchTemplateData")
	}
	if desc := c.f.get("VersionDescription"); len(desc) > 255 {
		return nil, false, invalidParameterValue("Value for parameter versionDescription is invalid: at most 255 characters.")
	}
	if len(t.Versions) >= maxVersions {
		return nil, false, clientError("VersionLimitExceeded", "Launch template %s has reached its limit of %d versions.", t.ID, maxVersions)
	}
	if src := c.f.get("SourceVersion"); src != "" {
		base, err := t.resolveVersion(src)
		if err != nil {
			return nil, false, err
		}
		data = base.Data.merge(data, set)
	}
	if err := data.check(c.e.net); err != nil {
		return nil, false, err
	}
	by := "arn:aws:iam::" + c.e.account + ":user/" + c.id.AccessKeyID
	v := &version{Number: t.latest() + 1, Description: c.f.get("VersionDescription"), Created: c.now, CreatedBy: by, Data: data}
	t.Versions = append(t.Versions, v)
	c.dirty = t
	return &createLaunchTemplateVersionResponse{Version: t.versionXML(v)}, true, nil
}

type modifyLaunchTemplateResponse struct {
	respMeta
	Template xmlLaunchTemplate `xml:"launchTemplate"`
}

func modifyLaunchTemplate(c *call) (response, bool, *awswire.APIError) {
	t, err := c.template()
	if err != nil {
		return nil, false, err
	}
	want := c.f.get("SetDefaultVersion")
	if want == "" {
		return &modifyLaunchTemplateResponse{Template: t.xml()}, false, nil
	}
	v, err := t.resolveVersion(want)
	if err != nil {
		return nil, false, err
	}
	t.DefaultVersion = v.Number
	c.dirty = t
	return &modifyLaunchTemplateResponse{Template: t.xml()}, true, nil
}
