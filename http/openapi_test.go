package http

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestOpenAPIDescribesEveryRoute fails when an /api route is registered but
// not described, or described but not registered.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	f := newFixture(t)
	res := f.anon().get("/api/openapi.json")
	if res.status != 200 || res.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/openapi.json: %d %s", res.status, res.header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas         map[string]any `json:"schemas"`
			SecuritySchemes map[string]any `json:"securitySchemes"`
		} `json:"components"`
	}
	res.decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}

	var registered, described []string
	for _, rt := range f.srv.routes {
		// The route table is what the mux serves: each entry resolves to itself.
		req := httptest.NewRequest(rt.Method, concrete(rt.Path, 1), nil)
		if _, pattern := f.srv.mux.Handler(req); pattern != rt.Method+" "+rt.Path {
			t.Errorf("%s %s is served by pattern %q, not its own", rt.Method, rt.Path, pattern)
		}
		if rt.api() {
			registered = append(registered, rt.Method+" "+rt.Path)
		}
	}
	params := regexp.MustCompile(`\{([a-z_]+)\}`)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			described = append(described, strings.ToUpper(method)+" "+path)
			// Every path parameter is declared.
			var declared []string
			ps, _ := op["parameters"].([]any)
			for _, p := range ps {
				if m := p.(map[string]any); m["in"] == "path" {
					declared = append(declared, m["name"].(string))
				}
			}
			for _, m := range params.FindAllStringSubmatch(path, -1) {
				if !slices.Contains(declared, m[1]) {
					t.Errorf("%s %s: path parameter %s not declared", method, path, m[1])
				}
			}
			if _, ok := op["responses"].(map[string]any)["500"]; !ok {
				t.Errorf("%s %s: no 500 problem response", method, path)
			}
		}
	}
	slices.Sort(registered)
	slices.Sort(described)
	if diff := cmp.Diff(registered, described); diff != "" {
		t.Errorf("API routes (-registered +described in OpenAPI):\n%s", diff)
	}

	// Every $ref resolves.
	refs := regexp.MustCompile(`"\$ref":\s*"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(res.body, -1)
	if len(refs) < 20 {
		t.Errorf("only %d schema references", len(refs))
	}
	for _, m := range refs {
		if _, ok := doc.Components.Schemas[m[1]]; !ok {
			t.Errorf("$ref to missing schema %s", m[1])
		}
	}
	for _, want := range []string{"CaseView", "MoveRequest", "ExceptionRequest", "Problem", "WorkItem", "QueueSummary", "Stage", "GateReport"} {
		if _, ok := doc.Components.Schemas[want]; !ok {
			t.Errorf("no %s schema", want)
		}
	}
	for _, want := range []string{"session", "csrf"} {
		if _, ok := doc.Components.SecuritySchemes[want]; !ok {
			t.Errorf("no %s security scheme", want)
		}
	}
	// The document describes the real field names of a body.
	var mv struct {
		Properties map[string]any `json:"properties"`
		Required   []string       `json:"required"`
	}
	b, _ := json.Marshal(doc.Components.Schemas["MoveRequest"])
	json.Unmarshal(b, &mv)
	if _, ok := mv.Properties["reason"]; !ok || !slices.Equal(mv.Required, []string{"from", "to"}) {
		t.Errorf("MoveRequest schema = %s", b)
	}
}
