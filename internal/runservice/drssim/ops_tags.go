package drssim

import (
	"regexp"
	"sort"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

var reDRSArn = regexp.MustCompile(`^arn:aws[a-z-]*:drs:([a-z0-9-]+):(\d{12}):(source-server|job|recovery-instance|launch-configuration-template|replication-configuration-template|source-network)/(.+)$`)

// taggable returns the tag map of the resource an ARN names.
func (c *opContext) taggable(arn string) (map[string]string, func(map[string]string), *awswire.APIError) {
	if arn == "" {
		return nil, nil, invalidField("resourceArn", "is required")
	}
	m := reDRSArn.FindStringSubmatch(arn)
	if m == nil {
		return nil, nil, invalidField("resourceArn", "%q is not the ARN of a DRS source server, job, recovery instance, configuration template or source network", arn)
	}
	if m[1] != c.e.key.Region || m[2] != c.e.key.Account {
		return nil, nil, notFound("RESOURCE", arn)
	}
	id := m[4]
	switch m[3] {
	case "source-server":
		if r, ok := c.e.byID[id]; ok {
			return r.Server.Tags, func(t map[string]string) {
				r.Server.Tags = t
				c.e.dirtyServers[id] = true
			}, nil
		}
	case "job":
		if j, ok := c.e.jobByID[id]; ok {
			return j.Job.Tags, func(t map[string]string) {
				j.Job.Tags = t
				c.e.dirtyJobs[id] = true
			}, nil
		}
	case "launch-configuration-template":
		for _, t := range c.e.templates.Launch {
			if t.Template.LaunchConfigurationTemplateID == id {
				return t.Template.Tags, func(tags map[string]string) {
					t.Template.Tags = tags
					c.e.dirtyMeta = true
				}, nil
			}
		}
	case "replication-configuration-template":
		for _, t := range c.e.templates.Replication {
			if t.Template.ReplicationConfigurationTemplateID == id {
				return t.Template.Tags, func(tags map[string]string) {
					t.Template.Tags = tags
					c.e.dirtyMeta = true
				}, nil
			}
		}
	case "source-network":
		for _, n := range c.e.templates.Networks {
			if n.Network.SourceNetworkID == id {
				return n.Network.Tags, func(tags map[string]string) {
					n.Network.Tags = tags
					c.e.dirtyMeta = true
				}, nil
			}
		}
	case "recovery-instance":
		if r, ok := c.e.instances[id]; ok {
			return r.Instance.Tags, func(t map[string]string) {
				r.Instance.Tags = t
				c.e.dirtyInstances[id] = true
			}, nil
		}
	}
	return nil, nil, notFound(strings.ToUpper(strings.ReplaceAll(m[3], "-", "_")), arn)
}

const maxTags = 50

// checkTags applies the AWS tagging rules to a tag map named field.
func checkTags(field string, tags map[string]string) *awswire.APIError {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case k == "" || len(k) > 128:
			return invalidField(field, "tag key %q must be 1 to 128 characters long", truncateForMessage(k))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return invalidField(field, "tag key %q uses the reserved prefix aws:", k)
		case len(tags[k]) > 256:
			return invalidField(field, "the value of tag %q is longer than 256 characters", k)
		}
	}
	return nil
}

func copyTags(t map[string]string) map[string]string {
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

func opTagResource(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		ResourceArn string            `json:"resourceArn"`
		Tags        map[string]string `json:"tags"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.Tags == nil {
		return nil, invalidField("tags", "is required")
	}
	if err := checkTags("tags", req.Tags); err != nil {
		return nil, err
	}
	tags, set, err := c.taggable(req.ResourceArn)
	if err != nil {
		return nil, err
	}
	merged := copyTags(tags)
	for k, v := range req.Tags {
		merged[k] = v
	}
	if len(merged) > maxTags {
		return nil, invalidField("tags", "the resource would carry %d tags; at most %d are allowed", len(merged), maxTags)
	}
	set(merged)
	return nil, nil
}

func opUntagResource(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		ResourceArn string   `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if len(req.TagKeys) == 0 {
		return nil, invalidField("tagKeys", "is required: name at least one tag key")
	}
	for _, k := range req.TagKeys {
		if k == "" || len(k) > 128 {
			return nil, invalidField("tagKeys", "tag key %q must be 1 to 128 characters long", truncateForMessage(k))
		}
	}
	tags, set, err := c.taggable(req.ResourceArn)
	if err != nil {
		return nil, err
	}
	out := copyTags(tags)
	for _, k := range req.TagKeys {
		delete(out, k)
	}
	set(out)
	return nil, nil
}

func opListTagsForResource(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		ResourceArn string `json:"resourceArn"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	tags, _, err := c.taggable(req.ResourceArn)
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return map[string]any{"tags": tags}, nil
}
