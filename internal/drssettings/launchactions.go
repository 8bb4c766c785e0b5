package drssettings

import (
	"fmt"
	"regexp"
)

// Launch actions (PutLaunchAction): the bounds of the DRS service model
// (botocore drs 2020-02-26), checked before the API is called. The model's
// patterns are read anchored, the stricter reading.

var (
	LaunchActionResourcePattern = regexp.MustCompile(`^(s-[0-9a-zA-Z]{17}|lct-[0-9a-zA-Z]{17})$`)
	LaunchActionIDPattern       = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	ssmDocumentNamePattern      = regexp.MustCompile(`^[A-Za-z0-9-/:]+$`)
	launchActionNamePattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 /_-]*$`)
	launchActionVersionPattern  = regexp.MustCompile(`^(\$DEFAULT|\$LATEST|[0-9]+)$`)
	launchActionDescPattern     = regexp.MustCompile(`^[0-9a-zA-Z ():/.,'\-_#*; ]*$`)
	launchActionParamName       = regexp.MustCompile(`^[0-9a-zA-Z]+$`)
	launchActionParamValue      = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

	LaunchActionCategories     = []string{"MONITORING", "VALIDATION", "CONFIGURATION", "SECURITY", "OTHER"}
	LaunchActionParameterTypes = []string{"SSM_STORE", "DYNAMIC"}
)

const (
	MinLaunchActionOrder      = 2
	MaxLaunchActionOrder      = 10000
	MaxLaunchActionParameters = 20
)

// CheckLaunchActionResource checks the ID of what an action belongs to.
func CheckLaunchActionResource(id string) string {
	if !LaunchActionResourcePattern.MatchString(id) {
		return fmt.Sprintf("%q is neither a source server ID (s- and 17 letters or digits) nor a launch configuration template ID (lct- and 17 letters or digits)", id)
	}
	return ""
}

// CheckLaunchActionID checks an action ID (a UUID).
func CheckLaunchActionID(id string) string {
	if !LaunchActionIDPattern.MatchString(id) {
		return fmt.Sprintf("%q is not a UUID: write it like 3f2a3b4c-0000-4000-8000-00000000000a, or leave action_id out to get a new one", id)
	}
	return ""
}

// CheckSSMDocumentName checks an action code.
func CheckSSMDocumentName(v string) string {
	if len(v) > 1011 || !ssmDocumentNamePattern.MatchString(v) {
		return fmt.Sprintf("%q is not an SSM document name: use 1 to 1011 letters, digits, -, / and : (e.g. AWS-RunShellScript or an ARN)", v)
	}
	return ""
}

// CheckLaunchActionName checks an action's display name.
func CheckLaunchActionName(v string) string {
	if len(v) > 256 || !launchActionNamePattern.MatchString(v) {
		return fmt.Sprintf("%q is not a launch action name: start with a letter or digit, then up to 255 letters, digits, spaces, /, _ or -", v)
	}
	return ""
}

// CheckLaunchActionVersion checks the SSM document version.
func CheckLaunchActionVersion(v string) string {
	if len(v) > 10 || !launchActionVersionPattern.MatchString(v) {
		return fmt.Sprintf("%q is not a document version: use $DEFAULT, $LATEST or a version number", v)
	}
	return ""
}

// CheckLaunchActionDescription checks the free text DRS keeps.
func CheckLaunchActionDescription(v string) string {
	if len(v) > 1024 || !launchActionDescPattern.MatchString(v) {
		return fmt.Sprintf("the description may hold at most 1024 letters, digits, spaces and ():/.,'-_#*; (%q has others or is longer)", v)
	}
	return ""
}

// CheckLaunchActionOrder checks the run order (1 is DRS's own).
func CheckLaunchActionOrder(v int64) string {
	if v < MinLaunchActionOrder || v > MaxLaunchActionOrder {
		return fmt.Sprintf("%d is out of range: use %d to %d (DRS reserves lower orders for its own actions)", v, MinLaunchActionOrder, MaxLaunchActionOrder)
	}
	return ""
}

// CheckLaunchActionParameterName checks a parameter's key.
func CheckLaunchActionParameterName(v string) string {
	if len(v) > 1011 || !launchActionParamName.MatchString(v) {
		return fmt.Sprintf("parameter name %q must be 1 to 1011 letters or digits", v)
	}
	return ""
}

// CheckLaunchActionParameterValue checks a parameter's value: an SSM
// Parameter Store name (SSM_STORE) or a dynamic value.
func CheckLaunchActionParameterValue(v string) string {
	if len(v) > 1011 || !launchActionParamValue.MatchString(v) {
		return fmt.Sprintf("%q must be 1 to 1011 letters, digits, . or -: put longer text (a script) in an SSM parameter and pass its name with type = \"SSM_STORE\"", v)
	}
	return ""
}
