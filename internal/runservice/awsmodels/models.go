// Package awsmodels holds the AWS service models (botocore's
// service-2.json, Apache-2.0) of every API the run service speaks, for
// tests: the wire-fidelity suite and the per-operation error tables. Only
// test code imports it.
package awsmodels

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
)

//go:embed *.json.gz
var files embed.FS

// Model is the part of a service model the tests read.
type Model struct {
	Metadata   map[string]any       `json:"metadata"`
	Operations map[string]Operation `json:"operations"`
	Shapes     map[string]Shape     `json:"shapes"`
}

// Operation is one operation of a model.
type Operation struct {
	Name string `json:"name"`
	HTTP struct {
		Method       string `json:"method"`
		RequestURI   string `json:"requestUri"`
		ResponseCode int    `json:"responseCode"`
	} `json:"http"`
	Input  *ShapeRef  `json:"input"`
	Output *ShapeRef  `json:"output"`
	Errors []ShapeRef `json:"errors"`
}

// ShapeRef names a shape.
type ShapeRef struct {
	Shape string `json:"shape"`
}

// Shape is a shape of a model (the members tests use).
type Shape struct {
	Type     string              `json:"type"`
	Required []string            `json:"required"`
	Members  map[string]ShapeRef `json:"members"`
	Member   *ShapeRef           `json:"member"`
	Key      *ShapeRef           `json:"key"`
	Value    *ShapeRef           `json:"value"`
	Enum     []string            `json:"enum"`
	Pattern  string              `json:"pattern"`
	Min      *float64            `json:"min"`
	Max      *float64            `json:"max"`
	Error    map[string]any      `json:"error"`
}

// Raw returns the decompressed model JSON of a service ("drs",
// "stepfunctions", "events", "sts", "service-quotas", "logs", "ec2").
func Raw(service string) ([]byte, error) {
	gz, err := files.ReadFile(service + ".json.gz")
	if err != nil {
		return nil, fmt.Errorf("no model for service %q: %w", service, err)
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// Load parses the model of a service.
func Load(service string) (*Model, error) {
	raw, err := Raw(service)
	if err != nil {
		return nil, err
	}
	var m Model
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("model %s: %w", service, err)
	}
	return &m, nil
}

// ErrorNames lists the error shapes an operation's model names.
func (m *Model) ErrorNames(op string) []string {
	var out []string
	for _, e := range m.Operations[op].Errors {
		out = append(out, e.Shape)
	}
	return out
}
