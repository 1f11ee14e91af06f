package http

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserFrontDesk drives a real browser through the front desk's day:
// the schedule shows the appointment failing eligibility; one click runs
// the 270/271 against the test payer; on the case page the front desk asks
// the payer for the missing authorization (278) and records that the
// estimate was communicated, and every Ready-to-Bill item passes from
// data. Screenshots go to $CLAIMGATE_SCREENSHOTS when set.
func TestBrowserFrontDesk(t *testing.T) {
	exe := browserTest(t)
	f := frontFixture(t)
	b := startBrowser(t, exe, 40*time.Second)

	b.do("open the login page",
		chromedp.Navigate(f.ts.URL+"/frontdesk?date=2026-12-01"),
		chromedp.WaitVisible(css(`#username`)),
	)
	b.do("log in", append(typeLogin("fd"),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`#schedule`)),
	)...)
	b.shot("fe-01-frontdesk")
	id := f.caseID
	if s := b.text(fmt.Sprintf(`[data-testid=elig-%d]`, id)); s != "Fail" {
		t.Errorf("eligibility before the check reads %q, want Fail", s)
	}
	b.clickLoad("run eligibility", fmt.Sprintf(`[data-testid=run-elig-%d]`, id))
	b.do("back at the day", chromedp.WaitVisible(css(`#schedule`)))
	b.shot("fe-02-frontdesk-checked")
	if s := b.text(fmt.Sprintf(`[data-testid=elig-%d]`, id)); s != "Pass" {
		t.Errorf("eligibility after the check reads %q, want Pass", s)
	}
	if row := b.text(fmt.Sprintf(`#appt-%d`, id)); !strings.Contains(row, "97110 needs prior authorization") {
		t.Errorf("the appointment does not name the missing authorization: %q", row)
	}

	// The check opened the missing authorization's work: the
	// coordinator's queue shows it with its owner.
	b.do("authorization queue", chromedp.Navigate(f.ts.URL+"/authorizations"), chromedp.WaitVisible(css(`#authq`)))
	b.shot("fe-03-authorizations")
	if row := b.text(fmt.Sprintf(`#auth-%d-97110`, id)); !strings.Contains(row, "missing") || !strings.Contains(row, "Avery Authcoord") {
		t.Errorf("authorization queue row = %q, want missing, owned by Avery Authcoord", row)
	}
	b.do("the day", chromedp.Navigate(f.ts.URL+"/frontdesk?date=2026-12-01"), chromedp.WaitVisible(css(`#schedule`)))
	b.clickLoad("open the case", fmt.Sprintf(`a[href="/cases/%d#frontend"]`, id))
	b.do("front-end section", chromedp.ScrollIntoView(css(`#frontend`)))
	b.shot("fe-04-case-frontend")
	b.clickLoad("request the authorization", `[data-testid=request-auth-97110]`)
	b.do("authorized", chromedp.WaitVisible(css(`.flash`)))
	if s := b.text(`[data-testid=auth-97110]`); s != "ok" {
		t.Errorf("97110 after the 278 reads %q, want ok", s)
	}
	b.do("deposit", chromedp.SendKeys(css(`[data-testid=estimate-form] input[name=deposit]`), "20.00"))
	b.clickLoad("estimate communicated", `[data-testid=estimate-form] button`)
	b.do("estimate recorded", chromedp.WaitVisible(css(`#estimates .note`)), chromedp.ScrollIntoView(css(`#frontend`)))
	b.shot("fe-05-case-cleared")
	if s := b.text(`#estimates`); !strings.Contains(s, "153.00 communicated (in_person) by Frankie Desk") || !strings.Contains(s, "deposit 20.00") {
		t.Errorf("estimates = %q", s)
	}
	b.do("gates", chromedp.ScrollIntoView(css(`#gate-ready_to_bill`)))
	if g := b.text(`#gate-ready_to_bill`); strings.Contains(g, "Fail") {
		t.Errorf("Ready-to-Bill still fails after the front-end was cleared from data:\n%s", g)
	}
	b.do("the day again", chromedp.Navigate(f.ts.URL+"/frontdesk?date=2026-12-01"), chromedp.WaitVisible(css(`#schedule`)))
	b.shot("fe-06-frontdesk-ready")
	if s := b.text(`[data-testid=frontdesk-summary]`); s != "1 appointment, 1 ready to bill." {
		t.Errorf("summary = %q", s)
	}
}
