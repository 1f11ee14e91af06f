package http

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// This file holds what the browser tests (browser_test.go,
// frontend_browser_test.go, midcycle_browser_test.go) share: finding
// chromium, starting it headless, and the steps they drive it with.

// chromium returns the browser to drive, skipping the test when there is
// none, unless CI=true, where a missing browser is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH (apt-get install -y chromium); CI=true requires the browser test")
	}
	t.Skip("no chromium on PATH; install it (apt-get install -y chromium) to run the browser test")
	return ""
}

// browserTest returns the browser for a browser test, skipping it as
// chromium does and in -short mode.
func browserTest(t *testing.T) string {
	t.Helper()
	exe := chromium(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	return exe
}

// browser is a headless chromium driving one test. Its steps fail the test
// with the step's name.
type browser struct {
	t     *testing.T
	ctx   context.Context
	shots string // where shot puts screenshots
}

// startBrowser starts chromium exe headless, with flags added to the usual
// ones; its steps time out together after timeout. Screenshots go to
// $CLAIMGATE_SCREENSHOTS when set, else to a temporary directory. It stops
// when the test ends.
func startBrowser(t *testing.T, exe string, timeout time.Duration, flags ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	shots := os.Getenv("CLAIMGATE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 900),
	}, flags...)
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	return &browser{t: t, ctx: ctx, shots: shots}
}

// css selects by CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// shot saves a screenshot of the page as name.png.
func (b *browser) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", path)
}

// do runs the actions of a step.
func (b *browser) do(step string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// text returns the text of the element sel selects, trimmed.
func (b *browser) text(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(css(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

// clickLoad clicks a button or link and waits for the page it loads.
func (b *browser) clickLoad(step, sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(css(sel)))); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// typeLogin types user and testPassword into the login form.
func typeLogin(user string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(css(`#username`), user),
		chromedp.SendKeys(css(`#password`), testPassword),
	}
}

// login fills in the login form the page shows, as user, and submits it.
func (b *browser) login(step, user string) {
	b.t.Helper()
	b.do(step, append([]chromedp.Action[chromedp.Void]{chromedp.WaitVisible(css(`#username`))}, typeLogin(user)...)...)
	b.clickLoad("submit login", `form.form button[type=submit]`)
}
