package http

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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
	exe := browserTest(t)
	f, p := newSeededFixture(t, 10)
	b := startBrowser(t, exe, 40*time.Second)
	login := func(user, next string) {
		t.Helper()
		b.do("log in as "+user, chromedp.Navigate(f.ts.URL+"/login?next="+next))
		b.login("log in as "+user, user)
	}

	// The clinician signs the note that ages in their queue.
	doc := caseAt(t, p, claimgate.Documentation)
	notes, err := f.store.Notes(context.Background(), doc.ID)
	if err != nil || len(notes) == 0 {
		t.Fatalf("notes of the documentation case: %v, %v", notes, err)
	}
	login("clinician", fmt.Sprintf("/cases/%d", doc.ID))
	b.do("mid-cycle section", chromedp.WaitVisible(css(`#midcycle`)), chromedp.ScrollIntoView(css(`#midcycle`)))
	if got := b.text(fmt.Sprintf(`[data-testid=unsigned-%d]`, notes[0].ID)); !strings.HasPrefix(got, "unsigned ·") {
		t.Errorf("unsigned badge = %q", got)
	}
	b.shot("mid-01-unsigned-note")
	b.clickLoad("sign", fmt.Sprintf(`[data-testid=sign-%d]`, notes[0].ID))
	if got := b.text(fmt.Sprintf(`#note-%d .badge`, notes[0].ID)); !strings.HasPrefix(got, "signed") {
		t.Errorf("after signing the badge reads %q", got)
	}
	if got := b.text(`.flash`); got != "Saved." {
		t.Errorf("flash = %q", got)
	}
	b.clickLoad("log out", `.whoami button[type=submit]`)

	// The coder works the queue.
	login("coder", "/coding")
	b.do("coding queue", chromedp.WaitVisible(css(`.coding-row`)))
	b.shot("mid-02-coding-queue")
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
	b.do("open the case", chromedp.Navigate(fmt.Sprintf("%s/cases/%d#midcycle", f.ts.URL, missing.ID)), chromedp.WaitVisible(css(`#charges`)))
	if why := b.text(`#item-coding_ready-charge_capture .why`); !strings.Contains(why, "missing charge for planned supply HCPCS A4550") {
		t.Errorf("charge_capture says %q", why)
	}
	b.do("scroll", chromedp.ScrollIntoView(css(`#midcycle`)))
	b.shot("mid-03-missing-supply")
	b.do("choose the tray", chromedp.SetValue(css(`#charge-code`), "A4550"), chromedp.SendKeys(css(`#charge-pointers`), "1"))
	b.clickLoad("add the charge", `[data-testid=add-charge]`)
	if got := b.text(`#item-coding_ready-charge_capture .badge`); got != "Pass" {
		t.Errorf("after the charge charge_capture = %q", got)
	}
	if strings.Contains(b.text(`#plan`), "missing") {
		t.Errorf("plan still shows a missing charge: %q", b.text(`#plan`))
	}
	b.do("scroll", chromedp.ScrollIntoView(css(`#midcycle`)))
	b.shot("mid-04-charged")

	b.do("mid-cycle lists", chromedp.Navigate(f.ts.URL+"/midcycle"), chromedp.WaitVisible(css(`#lag`)))
	b.shot("mid-05-lists")
	if lag := b.text(`#lag tbody`); !strings.Contains(lag, "late") {
		t.Errorf("charge-lag list shows no late encounter:\n%s", lag)
	}
}
