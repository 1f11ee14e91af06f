package http

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserFrontDesk drives a real browser through the front desk's day:
// the schedule shows the appointment failing eligibility; one click runs
// the 270/271 against the test payer; on the case page the front desk asks
// the payer for the missing authorization (278) and records that the
// estimate was communicated, and every Ready-to-Bill item passes from
// data. Screenshots go to $CLAIMGATE_SCREENSHOTS when set.
func TestBrowserFrontDesk(t *testing.T) {
	exe := chromium(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	f := frontFixture(t)
	shots := os.Getenv("CLAIMGATE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(ctx, 40*time.Second)
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
	clickLoad := func(step, sel string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(css(sel)))); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	do("log in",
		chromedp.Navigate(f.ts.URL+"/frontdesk?date=2026-12-01"),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), "fd"),
		chromedp.SendKeys(css(`#password`), testPassword),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`#schedule`)),
	)
	shot("fe-01-frontdesk")
	id := f.caseID
	if s := text(fmt.Sprintf(`[data-testid=elig-%d]`, id)); s != "Fail" {
		t.Errorf("eligibility before the check reads %q, want Fail", s)
	}
	clickLoad("run eligibility", fmt.Sprintf(`[data-testid=run-elig-%d]`, id))
	do("back at the day", chromedp.WaitVisible(css(`#schedule`)))
	shot("fe-02-frontdesk-checked")
	if s := text(fmt.Sprintf(`[data-testid=elig-%d]`, id)); s != "Pass" {
		t.Errorf("eligibility after the check reads %q, want Pass", s)
	}
	if row := text(fmt.Sprintf(`#appt-%d`, id)); !strings.Contains(row, "97110 needs prior authorization") {
		t.Errorf("the appointment does not name the missing authorization: %q", row)
	}

	// The check opened the missing authorization's work: the
	// coordinator's queue shows it with its owner.
	do("authorization queue", chromedp.Navigate(f.ts.URL+"/authorizations"), chromedp.WaitVisible(css(`#authq`)))
	shot("fe-03-authorizations")
	if row := text(fmt.Sprintf(`#auth-%d-97110`, id)); !strings.Contains(row, "missing") || !strings.Contains(row, "Avery Authcoord") {
		t.Errorf("authorization queue row = %q, want missing, owned by Avery Authcoord", row)
	}
	do("the day", chromedp.Navigate(f.ts.URL+"/frontdesk?date=2026-12-01"), chromedp.WaitVisible(css(`#schedule`)))
	clickLoad("open the case", fmt.Sprintf(`a[href="/cases/%d#frontend"]`, id))
	do("front-end section", chromedp.ScrollIntoView(css(`#frontend`)))
	shot("fe-04-case-frontend")
	clickLoad("request the authorization", `[data-testid=request-auth-97110]`)
	do("authorized", chromedp.WaitVisible(css(`.flash`)))
	if s := text(`[data-testid=auth-97110]`); s != "ok" {
		t.Errorf("97110 after the 278 reads %q, want ok", s)
	}
	do("deposit", chromedp.SendKeys(css(`[data-testid=estimate-form] input[name=deposit]`), "20.00"))
	clickLoad("estimate communicated", `[data-testid=estimate-form] button`)
	do("estimate recorded", chromedp.WaitVisible(css(`#estimates .note`)), chromedp.ScrollIntoView(css(`#frontend`)))
	shot("fe-05-case-cleared")
	if s := text(`#estimates`); !strings.Contains(s, "153.00 communicated (in_person) by Frankie Desk") || !strings.Contains(s, "deposit 20.00") {
		t.Errorf("estimates = %q", s)
	}
	do("gates", chromedp.ScrollIntoView(css(`#gate-ready_to_bill`)))
	if g := text(`#gate-ready_to_bill`); strings.Contains(g, "Fail") {
		t.Errorf("Ready-to-Bill still fails after the front-end was cleared from data:\n%s", g)
	}
	do("the day again", chromedp.Navigate(f.ts.URL+"/frontdesk?date=2026-12-01"), chromedp.WaitVisible(css(`#schedule`)))
	shot("fe-06-frontdesk-ready")
	if s := text(`[data-testid=frontdesk-summary]`); s != "1 appointment, 1 ready to bill." {
		t.Errorf("summary = %q", s)
	}
}
