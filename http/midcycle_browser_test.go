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

	"github.com/claimgate/claimgate"
)

// TestBrowserMidCycle drives a real browser through the mid-cycle of the
// demo practice: the clinician signs an aging note; the coder sees the
// coding queue with documentation beside codes, opens a case whose planned
// supply has no charge, adds it and sees the Coding-Ready item pass; the
// mid-cycle page lists unsigned notes, charge lag and missing charges.
// Screenshots go to $CLAIMGATE_SCREENSHOTS when set.
func TestBrowserMidCycle(t *testing.T) {
	exe := chromium(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	f, p := newSeededFixture(t, 10)
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
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	clickLoad := func(step, sel string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(css(sel)))); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	login := func(user, next string) {
		t.Helper()
		do("log in as "+user,
			chromedp.Navigate(f.ts.URL+"/login?next="+next),
			chromedp.WaitVisible(css(`#username`)),
			chromedp.SendKeys(css(`#username`), user),
			chromedp.SendKeys(css(`#password`), testPassword),
		)
		clickLoad("submit login", `form.form button[type=submit]`)
	}

	// The clinician signs the note that ages in their queue.
	doc := caseAt(t, p, claimgate.Documentation)
	notes, err := f.store.Notes(context.Background(), doc.ID)
	if err != nil || len(notes) == 0 {
		t.Fatalf("notes of the documentation case: %v, %v", notes, err)
	}
	login("clinician", fmt.Sprintf("/cases/%d", doc.ID))
	do("mid-cycle section", chromedp.WaitVisible(css(`#midcycle`)), chromedp.ScrollIntoView(css(`#midcycle`)))
	if got := text(fmt.Sprintf(`[data-testid=unsigned-%d]`, notes[0].ID)); !strings.HasPrefix(got, "unsigned ·") {
		t.Errorf("unsigned badge = %q", got)
	}
	shot("mid-01-unsigned-note")
	clickLoad("sign", fmt.Sprintf(`[data-testid=sign-%d]`, notes[0].ID))
	if got := text(fmt.Sprintf(`#note-%d .badge`, notes[0].ID)); !strings.HasPrefix(got, "signed") {
		t.Errorf("after signing the badge reads %q", got)
	}
	if got := text(`.flash`); got != "Saved." {
		t.Errorf("flash = %q", got)
	}
	clickLoad("log out", `.whoami button[type=submit]`)

	// The coder works the queue.
	login("coder", "/coding")
	do("coding queue", chromedp.WaitVisible(css(`.coding-row`)))
	shot("mid-02-coding-queue")
	var missing claimgate.Case
	for _, c := range p.Cases {
		if c.Stage != claimgate.Coding {
			continue
		}
		fa, err := f.wf.Facts(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range fa.Mid.Plan {
			if it.Code == "A4550" {
				found := false
				for _, l := range fa.Mid.ActiveCharges() {
					found = found || l.Code == "A4550"
				}
				if !found {
					missing = c
				}
			}
		}
	}
	if missing.ID == 0 {
		t.Fatal("no seeded case misses its supply charge")
	}
	do("open the case", chromedp.Navigate(fmt.Sprintf("%s/cases/%d#midcycle", f.ts.URL, missing.ID)), chromedp.WaitVisible(css(`#charges`)))
	if why := text(`#item-coding_ready-charge_capture .why`); !strings.Contains(why, "missing charge for planned supply HCPCS A4550") {
		t.Errorf("charge_capture says %q", why)
	}
	do("scroll", chromedp.ScrollIntoView(css(`#midcycle`)))
	shot("mid-03-missing-supply")
	do("choose the tray", chromedp.SetValue(css(`#charge-code`), "A4550"), chromedp.SendKeys(css(`#charge-pointers`), "1"))
	clickLoad("add the charge", `[data-testid=add-charge]`)
	if got := text(`#item-coding_ready-charge_capture .badge`); got != "Pass" {
		t.Errorf("after the charge charge_capture = %q", got)
	}
	if strings.Contains(text(`#plan`), "missing") {
		t.Errorf("plan still shows a missing charge: %q", text(`#plan`))
	}
	do("scroll", chromedp.ScrollIntoView(css(`#midcycle`)))
	shot("mid-04-charged")

	do("mid-cycle lists", chromedp.Navigate(f.ts.URL+"/midcycle"), chromedp.WaitVisible(css(`#lag`)))
	shot("mid-05-lists")
	if lag := text(`#lag tbody`); !strings.Contains(lag, "late") {
		t.Errorf("charge-lag list shows no late encounter:\n%s", lag)
	}
}
