package http

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

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

// TestBrowserStopTheLine drives a real browser through the SOP's
// stop-the-line demo: log in, open a case, see its stage and owner, try a
// move the Ready-to-Bill gate blocks and see each blocking item named, log
// an exception for each as the manager, make the move, see it in the
// timeline. Screenshots go to $CLAIMGATE_SCREENSHOTS when set.
func TestBrowserStopTheLine(t *testing.T) {
	exe := chromium(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	f := newFixture(t)
	shots := os.Getenv("CLAIMGATE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		path := filepath.Join(shots, name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", path)
	}
	do := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	// clickLoad clicks a button or link and waits for the page it loads.
	clickLoad := func(step, sel string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(css(sel)))); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	// An unauthenticated page sends the browser to log in, then back.
	do("open the login page",
		chromedp.Navigate(f.ts.URL+"/cases"),
		chromedp.WaitVisible(css(`#username`)),
	)
	shot("01-login")
	do("log in",
		chromedp.SendKeys(css(`#username`), "mgr"),
		chromedp.SendKeys(css(`#password`), testPassword),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`table.table`)),
	)
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != f.ts.URL+"/cases" {
		t.Errorf("after login the browser is at %s (%v), want /cases", loc, err)
	}
	shot("02-cases")

	clickLoad("open the case", fmt.Sprintf(`a[href="/cases/%d"]`, f.caseID))
	shot("03-case")
	if stage, owner, user := text(`[data-testid=case-stage]`), text(`[data-testid=case-owner]`), text(`[data-testid=current-user]`); stage != "5. Financial Clearance" || owner != "Frankie Desk" || user != "Morgan Manager" {
		t.Errorf("case page shows stage %q, owner %q, user %q", stage, owner, user)
	}

	do("reason", chromedp.SendKeys(css(`#move-reason`), "patient checked in"))
	clickLoad("try the blocked move", `[data-testid=move-encounter]`)
	shot("04-move-refused")
	refusal := text(`#error`)
	for _, item := range []string{"eligibility", "authorization", "patient_responsibility"} {
		if !strings.Contains(refusal, "ready_to_bill/"+item) {
			t.Errorf("refusal does not name %s: %q", item, refusal)
		}
	}
	if !strings.Contains(refusal, "Ready-to-Bill gate stops the line") {
		t.Errorf("refusal = %q", refusal)
	}

	for _, item := range []string{"eligibility", "authorization", "patient_responsibility"} {
		key := "blk-ready_to_bill-" + item
		do("exception reason "+item, chromedp.SendKeys(css("#exc-"+key+"-reason"), "verify after the visit; front desk follows up"))
		clickLoad("log exception "+item, `[data-testid=exc-`+key+`-submit]`)
		do("exception logged "+item, chromedp.WaitVisible(css(`.flash`)), chromedp.WaitNotPresent(css(`#block-ready_to_bill-`+item)))
	}
	shot("05-excepted")

	do("reason", chromedp.SendKeys(css(`#move-reason`), "patient checked in"))
	clickLoad("make the move", `[data-testid=move-encounter]`)
	shot("06-moved")
	if stage := text(`[data-testid=case-stage]`); stage != "6. Encounter" {
		t.Errorf("after the move the stage reads %q", stage)
	}
	first := text(`#timeline .event`)
	if !strings.Contains(first, "Moved Financial Clearance → Encounter") || !strings.Contains(first, "by Morgan Manager") || !strings.Contains(first, "patient checked in") {
		t.Errorf("newest timeline entry = %q", first)
	}
	do("timeline", chromedp.ScrollIntoView(css(`#timeline`)))
	shot("07-timeline")

	do("my work", chromedp.Navigate(f.ts.URL+"/work"), chromedp.WaitVisible(css(`h1`)))
	shot("08-my-work")
	do("queues", chromedp.Navigate(f.ts.URL+"/queues"), chromedp.WaitVisible(css(`h1`)))
	shot("09-queues")

	// The exceptions' owner finds them in their work, after the manager logs out.
	clickLoad("log out", `.whoami button[type=submit]`)
	do("log in as the owner",
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), "fd"),
		chromedp.SendKeys(css(`#password`), testPassword),
	)
	clickLoad("submit login", `form.form button[type=submit]`)
	do("my work", chromedp.Navigate(f.ts.URL+"/work"), chromedp.WaitVisible(css(`table.table`)))
	shot("10-owner-work")
	work := text(`table.table tbody`)
	if n := strings.Count(work, "resolve exception on ready_to_bill/"); n != 3 {
		t.Errorf("the owner's work lists %d exceptions, want 3:\n%s", n, work)
	}
}
