package sfn

import (
	"context"
	"encoding/json"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Tags live on state machines (executions carry none, as in Step Functions).

func (s *Service) taggedStateMachine(ctx context.Context, b *batch, arn string) (*stateMachineRow, []tag, error) {
	if _, err := checkARN(arn, "stateMachine", "resourceArn"); err != nil {
		return nil, nil, err
	}
	var r *stateMachineRow
	var err error
	if b != nil {
		r, err = queryStateMachine(b.tx, ctx, arn)
	} else {
		r, err = queryStateMachine(s.e.db, ctx, arn)
	}
	if err != nil {
		if toAPIError(err).Code == "StateMachineDoesNotExist" {
			return nil, nil, apiErr("ResourceNotFound", "Resource not found: '%s'", arn).With("resourceName", arn)
		}
		return nil, nil, err
	}
	var tags []tag
	_ = json.Unmarshal([]byte(r.tags), &tags)
	return r, tags, nil
}

func (s *Service) tagResource(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		ResourceArn string `json:"resourceArn"`
		Tags        []tag  `json:"tags"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if req.Tags == nil {
		return nil, missing("tags")
	}
	if err := checkTagList("tags", req.Tags); err != nil {
		return nil, err
	}
	err := s.e.do(ctx, func(b *batch) error {
		_, tags, err := s.taggedStateMachine(ctx, b, req.ResourceArn)
		if err != nil {
			return err
		}
		merged := normalizeTags(append(tags, req.Tags...))
		if len(merged) > maxTags {
			return apiErr("TooManyTags", "a state machine has at most %d tags; this would make %d", maxTags, len(merged)).With("resourceName", req.ResourceArn)
		}
		raw, _ := json.Marshal(merged)
		_, err = b.tx.Exec(`UPDATE sfn_state_machines SET tags = ? WHERE arn = ?`, string(raw), req.ResourceArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) untagResource(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		ResourceArn string   `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if req.TagKeys == nil {
		return nil, missing("tagKeys")
	}
	if err := checkTagKeys(req.TagKeys); err != nil {
		return nil, err
	}
	err := s.e.do(ctx, func(b *batch) error {
		_, tags, err := s.taggedStateMachine(ctx, b, req.ResourceArn)
		if err != nil {
			return err
		}
		drop := map[string]bool{}
		for _, k := range req.TagKeys {
			drop[k] = true
		}
		kept := []tag{}
		for _, t := range tags {
			if !drop[t.Key] {
				kept = append(kept, t)
			}
		}
		raw, _ := json.Marshal(normalizeTags(kept))
		_, err = b.tx.Exec(`UPDATE sfn_state_machines SET tags = ? WHERE arn = ?`, string(raw), req.ResourceArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) listTagsForResource(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		ResourceArn string `json:"resourceArn"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	_, tags, err := s.taggedStateMachine(ctx, nil, req.ResourceArn)
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = []tag{}
	}
	return map[string]any{"tags": tags}, nil
}
