// Package browsertest drives a headless chromium for the dashboard's and
// the console's browser tests (chromedp): finding the browser, a fresh
// profile, steps with deadlines, and screenshots into artifacts/.
package browsertest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path finds Debian's chromium (internal/runservice/ui/setup-browser.sh
// installs it), or skips the test; DRSORCH_REQUIRE_BROWSER=1 fails it.
func Path(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no chromium binary on PATH: run internal/runservice/ui/setup-browser.sh (apt-get install chromium) to run the headless-browser test"
	if os.Getenv("DRSORCH_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + " (DRSORCH_REQUIRE_BROWSER=1 makes this a failure)")
	}
	t.Skip(msg)
	return ""
}

// ArtifactsDir is $DRSORCH_ARTIFACTS, else artifacts/ at the repository
// root (ignored by git).
func ArtifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("DRSORCH_ARTIFACTS")
	if dir == "" {
		root, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			if parent == root {
				t.Fatal("cannot find the repository root (go.mod) for artifacts/; set DRSORCH_ARTIFACTS")
			}
			root = parent
		}
		dir = filepath.Join(root, "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// New starts a headless chromium with a fresh profile and a 1440×1000
// window, closed when the test ends.
func New(t *testing.T) context.Context {
	t.Helper()
	profile, err := os.MkdirTemp("", "drsorch-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Path(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1440, 1000),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancel()
		cancelAlloc()
		removeProfile(t, profile)
	})
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1440, 1000)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// removeProfile retries while exiting helper processes still write to it.
func removeProfile(t *testing.T, dir string) {
	var err error
	for range 50 {
		if err = os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("leaving chromium profile %s: %v", dir, err)
}

// Step runs browser actions within 30 s, failing with what was awaited and
// the page's main region.
func Step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			var html string
			_ = chromedp.Run(context.WithoutCancel(ctx), chromedp.OuterHTML("main", &html, chromedp.ByQuery))
			t.Fatalf("%s: not seen within 30s; the page shows:\n%s", what, html)
		}
		t.Fatalf("%s: %v", what, err)
	}
}

// Screenshot saves the whole page as dir/name.
func Screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	var png []byte
	Step(t, ctx, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// ActiveElement reads the id of the element that has the keyboard focus,
// after giving the page up to five seconds to move it to want: browsers
// apply autofocus a moment after the page is shown.
func ActiveElement(want string, id *string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		// A timeout only means the focus went elsewhere; the caller
		// reports what it found.
		_ = chromedp.Poll(`document.activeElement && document.activeElement.id === `+strconv.Quote(want), nil,
			chromedp.WithPollingTimeout(5*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)).Do(ctx)
		return chromedp.Evaluate(`document.activeElement ? document.activeElement.id : ""`, id).Do(ctx)
	})
}
