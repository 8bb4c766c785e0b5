package recoveryplan

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Per-wave steps: once a wave's instances are up (launched and in the
// state their launch settings ask for), its post-launch steps run in
// order, then its health checks; the waves after it start only when every
// step passed. Each runs through AWS Systems Manager on the recovered
// instances (Run Command or Automation), so checks reach services in
// private subnets without a Lambda in the VPC.

// Post-launch step types.
const (
	StepCommand    = "command"    // SSM Run Command document on the wave's instances
	StepAutomation = "automation" // SSM Automation runbook, once per wave
)

// Health check types.
const (
	CheckHTTP = "http"
	CheckTCP  = "tcp"
)

// Limits of per-wave steps.
const (
	// MaxStepInstances: SendCommand takes at most 50 instance IDs
	// (botocore ssm 2014-11-06, InstanceIdList max 50), and one command
	// covers the whole wave.
	MaxStepInstances = 50
	// MaxStepsPerWave bounds post_launch plus health_check blocks of one
	// wave: each is a poll loop in the wave runner's history.
	MaxStepsPerWave   = 10
	DefaultStepTimout = 10 * time.Minute
	MinStepTimeout    = 30 * time.Second // SendCommand's TimeoutSeconds minimum
	MaxStepTimeout    = 2 * time.Hour
	// Health check defaults: one attempt of DefaultCheckTimeout, then
	// retries with DefaultCheckInterval between them.
	DefaultCheckTimeout  = 5 * time.Second
	DefaultCheckRetries  = 2
	DefaultCheckInterval = 10 * time.Second
	MaxCheckRetries      = 60
)

// PostLaunch is an SSM document run after the wave's instances are up.
type PostLaunch struct {
	Type     string // StepCommand or StepAutomation
	Document string // name or ARN of the SSM document
	// Parameters of the document (SSM takes a list of strings per name).
	Parameters map[string][]string
	// InstanceParameter, for an automation, names the runbook parameter
	// that receives the wave's EC2 instance IDs (e.g. InstanceId).
	InstanceParameter string
	Timeout           time.Duration // 0: DefaultStepTimout
}

// HealthCheck checks that an application on each recovered instance
// answers, from the instance itself (SSM Run Command AWS-RunShellScript).
type HealthCheck struct {
	Type         string // CheckHTTP or CheckTCP
	Host         string // "" means 127.0.0.1 (the instance itself)
	Port         int
	Path         string // HTTP only; "" means "/"
	ExpectStatus int    // HTTP only; 0 means 200
	Timeout      time.Duration
	Retries      int // attempts after the first
	Interval     time.Duration
}

// EffectiveTimeout is the step's timeout with the default applied.
func (p PostLaunch) EffectiveTimeout() time.Duration {
	if p.Timeout <= 0 {
		return DefaultStepTimout
	}
	return p.Timeout
}

// Normalized returns c with its defaults applied.
func (c HealthCheck) Normalized() HealthCheck {
	if c.Host == "" {
		c.Host = "127.0.0.1"
	}
	if c.Type == CheckHTTP {
		if c.Path == "" {
			c.Path = "/"
		}
		if c.ExpectStatus == 0 {
			c.ExpectStatus = 200
		}
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultCheckTimeout
	}
	if c.Interval <= 0 {
		c.Interval = DefaultCheckInterval
	}
	return c
}

// Budget is how long all attempts of c may take: each attempt's timeout
// and the pauses between them, plus a minute for SSM to deliver the
// command and the agent to start it.
func (c HealthCheck) Budget() time.Duration {
	n := c.Normalized()
	return time.Duration(n.Retries+1)*n.Timeout + time.Duration(n.Retries)*n.Interval + time.Minute
}

// Target is what c checks, as people read it: http://127.0.0.1:80/health
// or tcp 10.0.0.5:5432.
func (c HealthCheck) Target() string {
	n := c.Normalized()
	if n.Type == CheckHTTP {
		return fmt.Sprintf("http://%s:%d%s", n.Host, n.Port, n.Path)
	}
	return fmt.Sprintf("tcp %s:%d", n.Host, n.Port)
}

var (
	// SSM document names (botocore ssm DocumentARN pattern) or ARNs.
	documentName = regexp.MustCompile(`^([a-zA-Z0-9_\-.:/]{3,128}|arn:aws[a-z-]*:ssm:[a-z0-9-]*:[0-9]*:document/[a-zA-Z0-9_\-.]{3,128})$`)
	// A host name or IPv4/IPv6 address: what the check script puts in a
	// URL and a /dev/tcp path, so no spaces, quotes or shell characters.
	checkHost = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$|^\[?[0-9A-Fa-f:]+\]?$`)
	checkPath = regexp.MustCompile(`^/[A-Za-z0-9._~!$&()*+,;=:@%/?-]*$`)
	paramName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,128}$`)
)

// validateSteps reports problems of wave i's steps on their attribute
// paths (post_launch.<n>.<attribute>, health_check.<n>.<attribute>).
func (w Wave) validateSteps(i int) Problems {
	var ps Problems
	add := func(attr, summary, format string, args ...any) {
		ps = append(ps, Problem{Severity: Error, Wave: i, Attribute: attr, Summary: summary, Detail: fmt.Sprintf(format, args...)})
	}
	if n := len(w.PostLaunch) + len(w.HealthChecks); n > MaxStepsPerWave {
		add("post_launch", "Too many steps in one wave",
			"wave %q has %d post_launch and health_check blocks; at most %d are allowed per wave (each is polled in the wave runner's execution history): merge commands into one document, or move checks to a later wave",
			w.Name, n, MaxStepsPerWave)
	}
	for j, p := range w.PostLaunch {
		at := func(a string) string { return fmt.Sprintf("post_launch.%d.%s", j, a) }
		if p.Type != StepCommand && p.Type != StepAutomation {
			add(at("type"), "Invalid post-launch type", "wave %q post_launch %d has type %q; use %q (SSM Run Command on the wave's instances) or %q (SSM Automation runbook)",
				w.Name, j+1, p.Type, StepCommand, StepAutomation)
		}
		if !documentName.MatchString(p.Document) {
			add(at("document"), "Invalid SSM document", "wave %q post_launch %d: %q is not an SSM document name (3-128 letters, digits, '_', '-', '.') or document ARN, such as AWS-RunShellScript",
				w.Name, j+1, p.Document)
		}
		for name := range p.Parameters {
			if !paramName.MatchString(name) {
				add(at("parameters"), "Invalid document parameter name", "wave %q post_launch %d: parameter name %q must be 1-128 letters, digits, '_', '.' or '-'", w.Name, j+1, name)
			}
		}
		if p.InstanceParameter != "" {
			switch {
			case p.Type != StepAutomation:
				add(at("instance_parameter"), "instance_parameter needs an automation",
					"wave %q post_launch %d: instance_parameter names the runbook parameter that receives the instance IDs; a command already runs on every instance of the wave: remove it", w.Name, j+1)
			case !paramName.MatchString(p.InstanceParameter):
				add(at("instance_parameter"), "Invalid parameter name", "wave %q post_launch %d: instance_parameter %q must be 1-128 letters, digits, '_', '.' or '-'", w.Name, j+1, p.InstanceParameter)
			default:
				if _, dup := p.Parameters[p.InstanceParameter]; dup {
					add(at("instance_parameter"), "Parameter given twice", "wave %q post_launch %d: parameter %q is set in parameters and by instance_parameter; remove it from parameters", w.Name, j+1, p.InstanceParameter)
				}
			}
		}
		if p.Timeout != 0 && (p.Timeout < MinStepTimeout || p.Timeout > MaxStepTimeout) {
			add(at("timeout"), "Step timeout out of range", "wave %q post_launch %d has timeout %s; use a value between %s and %s", w.Name, j+1, p.Timeout, MinStepTimeout, MaxStepTimeout)
		}
	}
	for j, c := range w.HealthChecks {
		at := func(a string) string { return fmt.Sprintf("health_check.%d.%s", j, a) }
		if c.Type != CheckHTTP && c.Type != CheckTCP {
			add(at("type"), "Invalid health check type", "wave %q health_check %d has type %q; use %q or %q", w.Name, j+1, c.Type, CheckHTTP, CheckTCP)
			continue
		}
		if c.Port < 1 || c.Port > 65535 {
			add(at("port"), "Invalid port", "wave %q health_check %d has port %d; use a port between 1 and 65535", w.Name, j+1, c.Port)
		}
		if c.Host != "" && !checkHost.MatchString(c.Host) {
			add(at("host"), "Invalid host", "wave %q health_check %d: host %q must be a host name or IP address (it defaults to 127.0.0.1, the recovered instance itself)", w.Name, j+1, c.Host)
		}
		if c.Type == CheckTCP {
			if c.Path != "" {
				add(at("path"), "path needs an HTTP check", "wave %q health_check %d is a tcp check, which opens a connection only: remove path, or use type = \"http\"", w.Name, j+1)
			}
			if c.ExpectStatus != 0 {
				add(at("expect_status"), "expect_status needs an HTTP check", "wave %q health_check %d is a tcp check: remove expect_status, or use type = \"http\"", w.Name, j+1)
			}
		} else {
			if c.Path != "" && (!checkPath.MatchString(c.Path) || strings.Contains(c.Path, "'")) {
				add(at("path"), "Invalid path", "wave %q health_check %d: path %q must start with '/' and hold only URL characters (no spaces or quotes)", w.Name, j+1, c.Path)
			}
			if c.ExpectStatus != 0 && (c.ExpectStatus < 100 || c.ExpectStatus > 599) {
				add(at("expect_status"), "Invalid HTTP status", "wave %q health_check %d expects status %d; use an HTTP status between 100 and 599", w.Name, j+1, c.ExpectStatus)
			}
		}
		if c.Timeout != 0 && (c.Timeout < time.Second || c.Timeout > 5*time.Minute) {
			add(at("timeout"), "Check timeout out of range", "wave %q health_check %d has timeout %s per attempt; use a value between 1s and 5m", w.Name, j+1, c.Timeout)
		}
		if c.Interval != 0 && (c.Interval < time.Second || c.Interval > 5*time.Minute) {
			add(at("interval"), "Check interval out of range", "wave %q health_check %d waits %s between attempts; use a value between 1s and 5m", w.Name, j+1, c.Interval)
		}
		if c.Retries > MaxCheckRetries {
			add(at("retries"), "Too many retries", "wave %q health_check %d retries %d times; use at most %d", w.Name, j+1, c.Retries, MaxCheckRetries)
		}
		if c.Retries < 0 {
			add(at("retries"), "Invalid retries", "wave %q health_check %d: retries must be 0 or more", w.Name, j+1)
		}
	}
	return ps
}

// HasSteps reports whether the wave has post-launch steps or health checks.
func (w Wave) HasSteps() bool { return len(w.PostLaunch)+len(w.HealthChecks) > 0 }
