package provider

import "testing"

// Role ARNs of every partition pass the provider's and the plan's
// execution_role_arn validators.
func TestRoleARNPatternAcceptsEveryPartition(t *testing.T) {
	for arn, ok := range map[string]bool{
		"arn:aws:iam::123456789012:role/drsorch":            true,
		"arn:aws-us-gov:iam::123456789012:role/drsorch":     true,
		"arn:aws-cn:iam::123456789012:role/path/drsorch":    true,
		"arn:aws:iam::123456789012:user/drsorch":            false,
		"arn:aws:iam::12345678901:role/drsorch":             false,
		"arn:azure:iam::123456789012:role/drsorch":          false,
		"arn:aws-us-gov:sts::123456789012:assumed-role/x/y": false,
	} {
		if got := roleARNPattern.MatchString(arn); got != ok {
			t.Errorf("%s: accepted = %v, want %v", arn, got, ok)
		}
	}
}

// Policy scopes take the region's partition, or the one given for "*".
func TestPolicyScopePartitions(t *testing.T) {
	gov := policyByStatement(t, newPolicyScope("us-gov-east-1", "111122223333", ""))
	if got := gov["StartRecoveryOfSourceServers"].Resource[0]; got != "arn:aws-us-gov:drs:us-gov-east-1:111122223333:source-server/*" {
		t.Errorf("GovCloud: %s", got)
	}
	if got := gov["PublishPauseGateEvents"].Resource[0]; got != "arn:aws-us-gov:events:us-gov-east-1:111122223333:event-bus/default" {
		t.Errorf("GovCloud bus: %s", got)
	}
	anyGov := newPolicyScopeIn("aws-us-gov", "*", "", "")
	if anyGov.arn("drs", "job/*") != "arn:aws-us-gov:drs:*:*:job/*" || anyGov.eventBus != "arn:aws-us-gov:events:*:*:event-bus/default" {
		t.Errorf("any GovCloud region: %+v", anyGov)
	}
}
