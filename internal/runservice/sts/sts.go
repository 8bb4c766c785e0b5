// Package sts serves the two STS operations the provider needs from the run
// service: AssumeRole (landing the caller in another simulated account) and
// GetCallerIdentity, over the awsQuery protocol.
package sts

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"

// Service is the STS endpoint. It remembers which role each issued session
// key belongs to, so GetCallerIdentity can report it.
type Service struct {
	mu       sync.Mutex
	sessions map[string]string // access key -> assumed-role ARN
	now      func() time.Time
	// Keyring, when set, learns each issued session so that requests
	// signed with it verify.
	Keyring *awswire.Keyring
}

// New returns an STS service.
func New() *Service {
	return &Service{sessions: map[string]string{}, now: time.Now}
}

var (
	roleARN     = regexp.MustCompile(`^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$`)
	sessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

// Serves reports whether the service serves an action: the router answers
// other actions InvalidAction whether or not the call is signed.
func (s *Service) Serves(action string) bool {
	return action == "GetCallerIdentity" || action == "AssumeRole"
}

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, _ := awswire.IdentityFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidParameterValue", "malformed form body")
		return
	}
	switch action := r.PostForm.Get("Action"); action {
	case "GetCallerIdentity":
		s.getCallerIdentity(w, id)
	case "AssumeRole":
		s.assumeRole(w, r)
	default:
		writeError(w, http.StatusBadRequest, "InvalidAction", fmt.Sprintf("the run service's STS does not serve action %q", action))
	}
}

func (s *Service) getCallerIdentity(w http.ResponseWriter, id awswire.Identity) {
	s.mu.Lock()
	arn, ok := s.sessions[id.AccessKeyID]
	s.mu.Unlock()
	if !ok {
		if id.AccessKeyID == awswire.SessionAccessKey(id.Account, awswire.DashboardKeySuffix) {
			arn = "arn:" + drsapi.PartitionOf(id.Region) + ":sts::" + id.Account + ":assumed-role/" + awswire.DashboardRoleName + "/dashboard"
		} else if strings.HasPrefix(id.AccessKeyID, "ASIA") {
			arn = "arn:" + drsapi.PartitionOf(id.Region) + ":sts::" + id.Account + ":assumed-role/unknown/session"
		} else {
			arn = "arn:" + drsapi.PartitionOf(id.Region) + ":iam::" + id.Account + ":user/drsorch-local"
		}
	}
	type result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}
	writeResult(w, "GetCallerIdentity", result{Arn: arn, UserID: id.AccessKeyID, Account: id.Account})
}

func (s *Service) assumeRole(w http.ResponseWriter, r *http.Request) {
	arn := r.PostForm.Get("RoleArn")
	m := roleARN.FindStringSubmatch(arn)
	if m == nil {
		writeError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("RoleArn %q is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)", arn))
		return
	}
	name := r.PostForm.Get("RoleSessionName")
	if !sessionName.MatchString(name) {
		writeError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("RoleSessionName %q must be 2-64 characters of letters, digits and +=,.@-_", name))
		return
	}
	duration := 3600
	if d := r.PostForm.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 || n > 43200 {
			writeError(w, http.StatusBadRequest, "ValidationError", "DurationSeconds must be between 900 and 43200")
			return
		}
		duration = n
	}
	// The assumed-role ARN is in the role's partition.
	partition, account, role := m[1], m[2], m[3]
	assumed := fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, role, name)
	secret, token := randomHex(20), "drsorch-"+randomHex(16)
	expires := s.now().UTC().Add(time.Duration(duration) * time.Second)
	// The access key carries the account and 4 random characters; with a
	// keyring, draw again while the key is taken by a live session.
	akid := awswire.SessionAccessKey(account, randomHex(2))
	for try := 0; s.Keyring != nil && !s.Keyring.AddSession(akid, awswire.Session{SecretAccessKey: secret, SessionToken: token, Expires: expires}); try++ {
		if try == 100 {
			writeError(w, http.StatusInternalServerError, "InternalFailure", "no free session access key for account "+account)
			return
		}
		akid = awswire.SessionAccessKey(account, randomHex(2))
	}
	s.mu.Lock()
	s.sessions[akid] = assumed
	s.mu.Unlock()
	type creds struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		SessionToken    string `xml:"SessionToken"`
		Expiration      string `xml:"Expiration"`
	}
	type user struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	}
	type result struct {
		Credentials     creds `xml:"Credentials"`
		AssumedRoleUser user  `xml:"AssumedRoleUser"`
	}
	writeResult(w, "AssumeRole", result{
		Credentials: creds{
			AccessKeyID:     akid,
			SecretAccessKey: secret,
			SessionToken:    token,
			Expiration:      expires.Format(time.RFC3339),
		},
		AssumedRoleUser: user{Arn: assumed, AssumedRoleID: "AROA" + strings.ToUpper(randomHex(8)) + ":" + name},
	})
}

func writeResult(w http.ResponseWriter, action string, result any) {
	type metadata struct {
		RequestID string `xml:"RequestId"`
	}
	body, err := xml.Marshal(struct {
		XMLName  xml.Name
		Xmlns    string   `xml:"xmlns,attr"`
		Inner    resultEl `xml:",any"`
		Metadata metadata `xml:"ResponseMetadata"`
	}{
		XMLName:  xml.Name{Local: action + "Response"},
		Xmlns:    xmlns,
		Inner:    resultEl{XMLName: xml.Name{Local: action + "Result"}, Value: result},
		Metadata: metadata{RequestID: requestID(w)},
	})
	if err != nil {
		writeError(w, http.StatusInternalServerError, "InternalFailure", err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write(append([]byte(xml.Header), body...))
}

type resultEl struct {
	XMLName xml.Name
	Value   any
}

func (e resultEl) MarshalXML(enc *xml.Encoder, start xml.StartElement) error {
	start.Name = e.XMLName
	return enc.EncodeElement(e.Value, start)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	kind := "Sender"
	if status >= 500 {
		kind = "Receiver"
	}
	body, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Error   struct {
			Type    string `xml:"Type"`
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		} `xml:"Error"`
		RequestID string `xml:"RequestId"`
	}{Xmlns: xmlns, Error: struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}{kind, code, message}, RequestID: requestID(w)})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write(append([]byte(xml.Header), body...))
}

// requestID is the ID the router gave the request (in the answer's
// header), repeated in the body as awsQuery does.
func requestID(w http.ResponseWriter) string {
	if id := w.Header().Get(awswire.RequestIDHeader); id != "" {
		return id
	}
	id := awswire.NewRequestID()
	w.Header().Set(awswire.RequestIDHeader, id)
	return id
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
