package sfn

import (
	"strings"
	"unicode"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// partitionOf is the ARN partition of a region, as AWS assigns them
// (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	}
	return "aws"
}

// resourcePartition is the partition of a Task resource ARN ("" when it is not an ARN).
func resourcePartition(resource string) string {
	parts := strings.SplitN(resource, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}

func stateMachineARN(id awswire.Identity, name string) string {
	return "arn:" + partitionOf(id.Region) + ":states:" + id.Region + ":" + id.Account + ":stateMachine:" + name
}

func executionARN(smARN, execName string) string {
	prefix, name, _ := strings.Cut(smARN, ":stateMachine:")
	return prefix + ":execution:" + name + ":" + execName
}

// parsedARN is a Step Functions ARN split into its parts.
type parsedARN struct {
	Region, Account, Kind, Name, ExecName string
	// Qualifier of a state machine version (digits) or alias ARN.
	Qualifier string
}

// unqualified is the state machine ARN without version or alias.
func unqualified(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) == 8 && parts[5] == "stateMachine" {
		return strings.Join(parts[:7], ":")
	}
	return arn
}

// parseQualifiedARN reads a state machine ARN that may carry a version
// (…:stateMachine:name:N) or alias (…:stateMachine:name:alias) qualifier.
func parseQualifiedARN(arn string) (parsedARN, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) == 8 && parts[5] == "stateMachine" && parts[7] != "" {
		p, ok := parseARN(strings.Join(parts[:7], ":"))
		p.Qualifier = parts[7]
		return p, ok
	}
	return parseARN(arn)
}

// isVersionQualifier tells a version number from an alias name.
func isVersionQualifier(q string) bool {
	if q == "" {
		return false
	}
	for _, r := range q {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checkQualifiedARN validates a state machine ARN, qualified or not.
func checkQualifiedARN(arn, member string) (parsedARN, error) {
	if arn == "" {
		return parsedARN{}, missing(member)
	}
	p, ok := parseQualifiedARN(arn)
	if !ok || p.Kind != "stateMachine" {
		return p, apiErr("InvalidArn", "Invalid Arn: '%s' is not a state machine, version or alias ARN (arn:aws:states:<region>:<account>:stateMachine:<name>[:<version or alias>])", arn)
	}
	return p, nil
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

// validName applies Step Functions' naming rule for state machines and
// executions: 1 to 80 characters (counted in bytes here, the stricter
// reading), none of white space, < > { } [ ], ? *, " # % \ ^ | ~ ` $ & , ; : /
// or control characters (U+0000-001F, U+007F-009F)
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html,
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
func validName(name string) bool {
	if len(name) < 1 || len(name) > 80 {
		return false
	}
	for _, r := range name {
		if r <= 0x20 || (r >= 0x7f && r <= 0x9f) || unicode.IsSpace(r) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return false
		}
	}
	return true
}
