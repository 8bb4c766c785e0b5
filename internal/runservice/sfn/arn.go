package sfn

import (
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

func stateMachineARN(id awswire.Identity, name string) string {
	return "arn:aws:states:" + id.Region + ":" + id.Account + ":stateMachine:" + name
}

func executionARN(smARN, execName string) string {
	prefix, name, _ := strings.Cut(smARN, ":stateMachine:")
	return prefix + ":execution:" + name + ":" + execName
}

// parsedARN is a Step Functions ARN split into its parts.
type parsedARN struct {
	Region, Account, Kind, Name, ExecName string
}

// parseARN reads arn:aws:states:<region>:<account>:<kind>:<name>[:<exec>].
func parseARN(arn string) (parsedARN, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "states" || parts[3] == "" || parts[4] == "" {
		return parsedARN{}, false
	}
	p := parsedARN{Region: parts[3], Account: parts[4], Kind: parts[5], Name: parts[6]}
	switch {
	case p.Kind == "stateMachine" && len(parts) == 7 && p.Name != "":
	case p.Kind == "execution" && len(parts) == 8 && p.Name != "" && parts[7] != "":
		p.ExecName = parts[7]
	default:
		return parsedARN{}, false
	}
	return p, true
}

// checkARN validates an ARN of the given kind ("stateMachine" or "execution").
func checkARN(arn, kind, member string) (parsedARN, error) {
	if arn == "" {
		return parsedARN{}, missing(member)
	}
	p, ok := parseARN(arn)
	if !ok {
		return p, apiErr("InvalidArn", "Invalid Arn: '%s' is not a Step Functions ARN (arn:aws:states:<region>:<account>:%s:...)", arn, kind)
	}
	if p.Kind != kind {
		return p, apiErr("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: %s' (%s expects a %s ARN)", p.Kind, member, kind)
	}
	return p, nil
}

// validName applies Step Functions' naming rule for state machines and executions.
func validName(name string) bool {
	if len(name) < 1 || len(name) > 80 {
		return false
	}
	for _, r := range name {
		if r <= 0x20 || (r >= 0x7f && r <= 0x9f) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return false
		}
	}
	return true
}
