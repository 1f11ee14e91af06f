package http

import (
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// Each page is templates/<name>.html, parsed with the layout and partials
// into its own set, so pages may each define "title" and "content".
const (
	layoutFile   = "templates/layout.html"
	partialsFile = "templates/partials.html"
)

var funcs = template.FuncMap{
	"stageTitle": func(st claimgate.Stage) string { return st.Title() },
	"stageNum":   func(st claimgate.Stage) int { return st.Number() },
	"stageShort": func(st claimgate.Stage) string {
		if v, ok := stageShort[st]; ok {
			return v
		}
		return st.Title()
	},
	"zoneTitle": func(z claimgate.Zone) string {
		switch z {
		case claimgate.FrontEnd:
			return "Front-end"
		case claimgate.MidCycle:
			return "Mid-cycle"
		case claimgate.BackEnd:
			return "Back-end"
		}
		return "Close"
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"day": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02")
	},
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"statusClass": func(st workflow.Status) string {
		return "st-" + string(st)
	},
	"statusLabel": func(st workflow.Status) string {
		switch st {
		case workflow.Pass:
			return "Pass"
		case workflow.Fail:
			return "Fail"
		case workflow.Pending:
			return "Pending"
		case workflow.Excepted:
			return "Excepted"
		}
		return string(st)
	},
	"roles": func(rs []claimgate.Role) string {
		var s []string
		for _, r := range rs {
			s = append(s, strings.ReplaceAll(string(r), "_", " "))
		}
		return strings.Join(s, ", ")
	},
	"roleName": func(r claimgate.Role) string { return strings.ReplaceAll(string(r), "_", " ") },
	"hasRole": func(roles []string, r claimgate.Role) bool {
		for _, v := range roles {
			if v == string(r) {
				return true
			}
		}
		return false
	},
	"pluralize": func(n int, one, many string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, one)
		}
		return fmt.Sprintf("%d %s", n, many)
	},
	"blockingCount": func(rep workflow.Report) int { return len(rep.Blocking()) },
	"worklist": func(items []workRow, csrf, next, empty string) map[string]any {
		// My work leaves out the owner column (always the reader), a
		// queue's page the queue column.
		return map[string]any{"Items": items, "CSRF": csrf, "Next": next, "Empty": empty,
			"Mine": next == "/work", "InQueue": strings.HasPrefix(next, "/queues/")}
	},
	"excForm": excForm,
}

// stageShort are the chain picture's labels: short, with soft hyphens
// (U+00AD) where a long word may break in a narrow box.
var stageShort = map[claimgate.Stage]string{
	claimgate.Intake:             "Intake",
	claimgate.Registration:       "Regis\u00adtration",
	claimgate.Eligibility:        "Eligi\u00adbility",
	claimgate.Authorization:      "Authori\u00adzation",
	claimgate.FinancialClearance: "Financial clearance",
	claimgate.Encounter:          "Encoun\u00adter",
	claimgate.Documentation:      "Documen\u00adtation",
	claimgate.Coding:             "Coding / charges",
	claimgate.ClaimBuild:         "Claim build",
	claimgate.Scrub:              "Scrub / edits",
	claimgate.Submission:         "Submis\u00adsion",
	claimgate.Adjudication:       "Adjudi\u00adcation",
	claimgate.Posting:            "Posting",
	claimgate.Denials:            "Denials",
	claimgate.ARFollowUp:         "A/R follow-up",
	claimgate.PatientBalance:     "Patient balance",
	claimgate.Closed:             "Closed",
}

// excFormData fills one exception form on the case page.
type excFormData struct {
	CaseID     int64
	CSRF       string
	Gate, Item string
	Key        string // unique per form on the page, for element IDs
	Wide       bool
	Users      []claimgate.User
	Owner      int64 // preselected: the case's owner, else the manager
	Today      string
	ExpDefault string
	ExpMax     string
}

func excForm(d casePageData, gate, item string, wide bool) excFormData {
	f := excFormData{CaseID: d.V.Case.ID, CSRF: d.CSRF, Gate: gate, Item: item, Wide: wide, Users: d.Users,
		Today: d.Today, ExpDefault: d.ExpDefault, ExpMax: d.ExpMax, Key: "chk-" + gate + "-" + item}
	if wide {
		f.Key = "blk-" + gate + "-" + item
	}
	if d.V.Owner != nil {
		f.Owner = d.V.Owner.ID
	} else if d.User != nil {
		f.Owner = d.User.ID
	}
	return f
}

// parseTemplates parses every page with the layout and partials; any error
// fails the server's start.
func parseTemplates() (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, layoutFile, partialsFile)
	if err != nil {
		return nil, fmt.Errorf("http: parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		if f == layoutFile || f == partialsFile {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("http: parse %s: %w", f, err)
		}
		for _, need := range []string{"layout", "title", "content"} {
			if t.Lookup(need) == nil {
				return nil, fmt.Errorf("http: %s: no %q template", f, need)
			}
		}
		pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return pages, nil
}
