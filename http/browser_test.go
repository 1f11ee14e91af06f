package http

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserStopTheLine drives a real browser through the SOP's
// stop-the-line demo: log in, open a case, see its stage and owner, try a
// move the Ready-to-Bill gate blocks and see each blocking item named, log
// an exception for each as the manager, make the move, see it in the
// timeline. Screenshots go to $CLAIMGATE_SCREENSHOTS when set.
func TestBrowserStopTheLine(t *testing.T) {
	exe := browserTest(t)
	f := newFixture(t)
	b := startBrowser(t, exe, 30*time.Second,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	ctx := b.ctx

	// An unauthenticated page sends the browser to log in, then back.
	b.do("open the login page",
		chromedp.Navigate(f.ts.URL+"/cases"),
		chromedp.WaitVisible(css(`#username`)),
	)
	b.shot("01-login")
	b.do("log in", append(typeLogin("mgr"),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`table.table`)),
	)...)
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != f.ts.URL+"/cases" {
		t.Errorf("after login the browser is at %s (%v), want /cases", loc, err)
	}
	b.shot("02-cases")

	b.clickLoad("open the case", fmt.Sprintf(`a[href="/cases/%d"]`, f.caseID))
	b.shot("03-case")
	if stage, owner, user := b.text(`[data-testid=case-stage]`), b.text(`[data-testid=case-owner]`), b.text(`[data-testid=current-user]`); stage != "5. Financial Clearance" || owner != "Frankie Desk" || user != "Morgan Manager" {
		t.Errorf("case page shows stage %q, owner %q, user %q", stage, owner, user)
	}

	b.do("reason", chromedp.SendKeys(css(`#move-reason`), "patient checked in"))
	b.clickLoad("try the blocked move", `[data-testid=move-encounter]`)
	b.shot("04-move-refused")
	refusal := b.text(`#error`)
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
		b.do("exception reason "+item, chromedp.SendKeys(css("#exc-"+key+"-reason"), "verify after the visit; front desk follows up"))
		b.clickLoad("log exception "+item, `[data-testid=exc-`+key+`-submit]`)
		b.do("exception logged "+item, chromedp.WaitVisible(css(`.flash`)), chromedp.WaitNotPresent(css(`#block-ready_to_bill-`+item)))
	}
	b.shot("05-excepted")

	b.do("reason", chromedp.SendKeys(css(`#move-reason`), "patient checked in"))
	b.clickLoad("make the move", `[data-testid=move-encounter]`)
	b.shot("06-moved")
	if stage := b.text(`[data-testid=case-stage]`); stage != "6. Encounter" {
		t.Errorf("after the move the stage reads %q", stage)
	}
	first := b.text(`#timeline .event`)
	if !strings.Contains(first, "Moved Financial Clearance → Encounter") || !strings.Contains(first, "by Morgan Manager") || !strings.Contains(first, "patient checked in") {
		t.Errorf("newest timeline entry = %q", first)
	}
	b.do("timeline", chromedp.ScrollIntoView(css(`#timeline`)))
	b.shot("07-timeline")

	b.do("my work", chromedp.Navigate(f.ts.URL+"/work"), chromedp.WaitVisible(css(`h1`)))
	b.shot("08-my-work")
	b.do("queues", chromedp.Navigate(f.ts.URL+"/queues"), chromedp.WaitVisible(css(`h1`)))
	b.shot("09-queues")

	// The exceptions' owner finds them in their work, after the manager logs out.
	b.clickLoad("log out", `.whoami button[type=submit]`)
	b.login("log in as the owner", "fd")
	b.do("my work", chromedp.Navigate(f.ts.URL+"/work"), chromedp.WaitVisible(css(`table.table`)))
	b.shot("10-owner-work")
	work := b.text(`table.table tbody`)
	if n := strings.Count(work, "resolve exception on ready_to_bill/"); n != 3 {
		t.Errorf("the owner's work lists %d exceptions, want 3:\n%s", n, work)
	}
}
