package console_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
)

// TestConsoleCommand runs `drsorch console` as a user would, against the
// run service addressed as AWS through the environment, and reads a page.
func TestConsoleCommand(t *testing.T) {
	svc := startService(t)
	awsEnvironment(t, svc.URL)

	// Beyond loopback without a token: refused before listening.
	var stderr bytes.Buffer
	root := cli.NewRoot(&cli.Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Lookup: os.LookupEnv})
	root.SetArgs([]string{"console", "--listen", "0.0.0.0:0"})
	err := root.ExecuteContext(context.Background())
	if err == nil || cli.ExitCode(err) != cli.ExitUsage || !strings.Contains(err.Error(), "needs a token") {
		t.Fatalf("console on 0.0.0.0 without a token: %v (exit %d)", err, cli.ExitCode(err))
	}

	out, w := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	root = cli.NewRoot(&cli.Env{Stdin: strings.NewReader(""), Stdout: w, Stderr: io.Discard, Lookup: os.LookupEnv})
	root.SetArgs([]string{"console", "--listen", "127.0.0.1:0", "--regions", "us-west-2"})
	go func() { done <- root.ExecuteContext(ctx); w.Close() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("no start-up line: %v", err)
	}
	m := regexp.MustCompile(`http://\S+/ui/`).FindString(line)
	if m == "" || !strings.Contains(line, "account 123456789012") || !strings.Contains(line, "no sign-in (loopback)") {
		t.Fatalf("start-up line %q", line)
	}
	res, err := http.Get(m)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "us-west-2") {
		t.Fatalf("GET %s: %d\n%s", m, res.StatusCode, b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("console exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("console did not stop on cancel")
	}
}
