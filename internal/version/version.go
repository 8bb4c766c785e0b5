// Package version holds the build's version, set by ldflags for both the
// provider and the drsorch binary:
//
//	-X github.com/drsorch/terraform-provider-drsorch/internal/version.Version=1.2.3
package version

// Version is the release version; "dev" for local builds.
var Version = "dev"

// Commit is the source commit of the build, when known.
var Commit = ""
