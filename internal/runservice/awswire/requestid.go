package awswire

import (
	"crypto/rand"
	"fmt"
)

// RequestIDHeader is the header in which every AWS JSON and query
// protocol answer carries its request ID (the SDKs read it into their
// response metadata; awsQuery bodies repeat it as RequestId).
const RequestIDHeader = "X-Amzn-Requestid"

// NewRequestID returns a request ID in the form AWS uses: a random UUID.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
