package drssim

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// IDs are derived from stable inputs (estate, hostname, job sequence) so
// that a simulated estate looks the same on every run and tests can
// predict them.
func hashID(prefix string, n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return prefix + hex.EncodeToString(sum[:])[:n]
}

func sourceServerIDFor(k estateKey, hostname string) string {
	return hashID("s-", 17, k.Account, k.Region, "server", hostname)
}

func jobIDFor(k estateKey, seq int64) string {
	return hashID("drsjob-", 17, k.Account, k.Region, "job", itoa(seq))
}

func instanceIDFor(jobID, serverID string) string {
	return hashID("i-", 17, jobID, serverID)
}

// arnFor is a DRS resource ARN, in the partition of the estate's region
// (arn:aws-us-gov:drs:us-gov-west-1:…).
func arnFor(k estateKey, kind, id string) string {
	return "arn:" + drsapi.PartitionOf(k.Region) + ":drs:" + k.Region + ":" + k.Account + ":" + kind + "/" + id
}

// spread is a deterministic number in [0, n) for one server in one job: it
// varies step durations without randomness.
func spread(n int, parts ...string) int {
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	v := int(sum[0])<<16 | int(sum[1])<<8 | int(sum[2])
	return v % n
}
