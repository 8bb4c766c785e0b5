package cli_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
)

// The CLI against a run service that is not running fails within ten
// seconds (it took about three minutes), naming the endpoint and how to
// start the service, with the API exit code.
func TestUnreachableEndpointFailsFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out, errb bytes.Buffer
	root := cli.NewRoot(&cli.Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Lookup:   func(string) (string, bool) { return "", false },
		Now:      time.Now,
		Terminal: func(io.Writer) bool { return false },
	})
	root.SetArgs([]string{"plans", "--endpoint", "http://" + addr, "--region", "us-east-1"})
	start := time.Now()
	err = root.ExecuteContext(context.Background())
	took := time.Since(start)
	t.Logf("drsorch plans against a closed port failed after %.2fs: %v", took.Seconds(), err)
	if err == nil || cli.ExitCode(err) != cli.ExitAPI {
		t.Fatalf("want exit %d, got %v (exit %d)", cli.ExitAPI, err, cli.ExitCode(err))
	}
	for _, want := range []string{"http://" + addr, "connection refused", "drsorch serve --listen " + addr} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if took > 10*time.Second {
		t.Errorf("took %s, want at most 10s", took)
	}
}
