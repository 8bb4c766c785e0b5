package asl

// ssmActions are the AWS Systems Manager actions (service model ssm
// 2014-11-06) that the run service simulates, as Step Functions names them
// in aws-sdk:ssm:<action> resources: the wave runner's post-launch steps
// and health checks. Any other SSM action is refused at CreateStateMachine
// rather than run differently from AWS.
var ssmActions = map[string]bool{
	"sendCommand":              true,
	"listCommandInvocations":   true,
	"getCommandInvocation":     true,
	"startAutomationExecution": true,
	"getAutomationExecution":   true,
}

const ssmActionList = "sendCommand, listCommandInvocations, getCommandInvocation, startAutomationExecution and getAutomationExecution"
