package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"time"
)

//go:embed report.html
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"clock": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("15:04:05")
	},
	"lower":    strings.ToLower,
	"timeline": Timeline,
	"word":     func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", " ") },
}).Parse(htmlSource))

// HTML renders the report as one self-contained page: no scripts, no
// external files, styles and the timeline inline.
func HTML(r *Report) ([]byte, error) {
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, r); err != nil {
		return nil, fmt.Errorf("render the HTML report: %w", err)
	}
	return b.Bytes(), nil
}

// JSON renders the report as indented JSON.
func JSON(r *Report) ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// JUnit XML, in the shape Jenkins, GitLab and GitHub test reporters read:
// <testsuites><testsuite><testcase><failure/></testcase></testsuite></testsuites>.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func seconds(d Duration) string { return fmt.Sprintf("%.3f", time.Duration(d).Seconds()) }

// JUnit renders the report as JUnit XML: one test case per wave, per
// server and, with a target, for the RTO.
func JUnit(r *Report) ([]byte, error) {
	classBase := "drsorch." + r.Execution.Plan
	suite := junitSuite{Name: fmt.Sprintf("drsorch %s %s of plan %s", strings.ToLower(r.Execution.Type), r.Execution.Name, r.Execution.Plan),
		Time: seconds(r.Recovery), Timestamp: r.Execution.StartedAt.UTC().Format("2006-01-02T15:04:05"),
		Properties: []junitProperty{{"execution", r.Execution.ARN}, {"type", r.Execution.Type}, {"status", r.Execution.Status},
			{"invokedBy", r.Execution.InvokedBy}, {"recoveryTime", r.Recovery.String()}, {"pausedTime", r.Paused.String()}}}
	add := func(c junitCase) {
		suite.Tests++
		switch {
		case c.Failure != nil:
			suite.Failures++
		case c.Skipped != nil:
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, c)
	}
	for _, w := range r.Waves {
		c := junitCase{Name: "wave " + w.Name + " recovered", Classname: classBase + ".waves", Time: seconds(w.Took)}
		switch w.Status {
		case "RECOVERED":
		case "PENDING", "PAUSED", "RUNNING":
			c.Skipped = &junitSkipped{Message: "wave " + w.Name + " is " + w.Status + " (the run has not finished it)"}
		default:
			msg := "wave " + w.Name + " ended " + w.Status
			if w.Error != "" {
				msg += ": " + w.Error
			}
			c.Failure = &junitFailure{Message: msg, Type: w.Status, Text: strings.TrimSpace(w.Error + "\n" + w.Cause)}
		}
		if w.ApprovedBy != "" {
			c.SystemOut = fmt.Sprintf("pause gate approved by %s at %s", w.ApprovedBy, w.ApprovedAt.UTC().Format(time.RFC3339))
		}
		add(c)
		if w.MetRTO != nil {
			rc := junitCase{Name: "wave " + w.Name + " within its RTO of " + w.Target.String(), Classname: classBase + ".rto", Time: seconds(w.Took)}
			if !*w.MetRTO {
				rc.Failure = &junitFailure{Message: fmt.Sprintf("wave %s took %s, over its RTO of %s", w.Name, w.Took, w.Target), Type: "RTO"}
			}
			add(rc)
		}
		for _, s := range w.Servers {
			name := s.ID
			if s.Hostname != "" {
				name = s.Hostname + " (" + s.ID + ")"
			}
			var took Duration
			if !s.FirstEventAt.IsZero() && !s.LaunchedAt.IsZero() {
				took = Duration(s.LaunchedAt.Sub(s.FirstEventAt))
			}
			c := junitCase{Name: name + " launched", Classname: classBase + ".servers." + w.Name, Time: seconds(took)}
			switch {
			case s.Recovered():
				c.SystemOut = "recovery instance " + s.RecoveryInstanceID
				if s.EC2InstanceID != "" && s.EC2InstanceID != s.RecoveryInstanceID {
					c.SystemOut += ", EC2 instance " + s.EC2InstanceID
				}
				if s.EC2InstanceState != "" {
					c.SystemOut += ", " + strings.ToLower(s.EC2InstanceState)
				}
			case s.LaunchStatus == "" || s.LaunchStatus == "PENDING" || s.LaunchStatus == "IN_PROGRESS":
				c.Skipped = &junitSkipped{Message: "not launched (yet): wave " + w.Name + " is " + w.Status}
			default:
				c.Failure = &junitFailure{Message: "launch " + s.LaunchStatus, Type: s.LaunchStatus, Text: s.Failure}
			}
			add(c)
		}
	}
	if r.MetRTO != nil {
		c := junitCase{Name: "recovery within the RTO of " + r.Target.Total.String(), Classname: classBase + ".rto", Time: seconds(r.Recovery)}
		if !*r.MetRTO {
			c.Failure = &junitFailure{Message: fmt.Sprintf("recovery took %s, over the RTO of %s", r.Recovery, r.Target.Total), Type: "RTO"}
		}
		add(c)
	}
	out := junitSuites{Name: "drsorch " + r.Execution.Name, Tests: suite.Tests, Failures: suite.Failures, Time: suite.Time, Suites: []junitSuite{suite}}
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// Files are the names Write gives the three renderings.
var Files = struct{ HTML, JSON, JUnit string }{"report.html", "report.json", "junit.xml"}

// Write renders the report into dir (made if missing) as report.html,
// report.json and junit.xml, and returns their paths.
func Write(r *Report, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range []struct {
		name   string
		render func(*Report) ([]byte, error)
	}{{Files.HTML, HTML}, {Files.JSON, JSON}, {Files.JUnit, JUnit}} {
		b, err := f.render(r)
		if err != nil {
			return paths, err
		}
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
