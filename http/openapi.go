package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// apiOp describes one API operation for the OpenAPI document. The document
// is written here by hand, apart from the route table, so that the test
// comparing the two catches a route added without documentation.
type apiOp struct {
	Summary string
	Tag     string
	Query   []param
	Body    any // a request body value whose type gives the schema; nil: none
	Status  int // success status
	Resp    any // a response value whose type gives the schema; nil: no body
	Errors  []int
}

type param struct {
	Name, Desc, Type string
	Enum             []string
}

// apiOps is the API, keyed like ServeMux patterns.
var apiOps = map[string]apiOp{
	"POST /api/login": {Summary: "Log in: opens a session, sets its cookie and returns the CSRF token for writes", Tag: "session",
		Body: loginRequest{}, Status: 200, Resp: sessionJSON{}, Errors: []int{400, 401, 415, 429}},
	"POST /api/logout":      {Summary: "Log out: ends the session", Tag: "session", Status: 204, Errors: []int{401, 403}},
	"GET /api/session":      {Summary: "The logged-in user and the session's CSRF token", Tag: "session", Status: 200, Resp: sessionJSON{}, Errors: []int{401}},
	"GET /api/openapi.json": {Summary: "This document", Tag: "meta", Status: 200, Resp: map[string]any{}},
	"GET /api/stages":       {Summary: "The 17-stage chain: zones, owner roles, gates and allowed moves", Tag: "chain", Status: 200, Resp: []stageJSON{}, Errors: []int{401}},
	"GET /api/cases": {Summary: "List cases (audited read)", Tag: "cases", Query: []param{
		{Name: "stage", Desc: "only cases at this stage", Type: "string", Enum: stageNames()},
		{Name: "patient_id", Desc: "only this patient's cases", Type: "integer"},
		{Name: "limit", Desc: "at most this many (1-500, default 100)", Type: "integer"},
	}, Status: 200, Resp: []caseJSON{}, Errors: []int{401, 422}},
	"POST /api/cases": {Summary: "Open a case at intake with its first owned work item (front_desk or manager)", Tag: "cases",
		Body: createCaseRequest{}, Status: 201, Resp: caseJSON{}, Errors: []int{400, 401, 403, 415, 422}},
	"GET /api/cases/{id}": {Summary: "Where a case sits: stage, owner, time in stage, blocking items, gates, exceptions, work, events, next stages (audited read)", Tag: "cases",
		Status: 200, Resp: caseViewJSON{}, Errors: []int{401, 404}},
	"GET /api/cases/{id}/gates": {Summary: "The three gate checklists evaluated for a case (audited read)", Tag: "gates", Status: 200, Resp: []gateJSON{}, Errors: []int{401, 404}},
	"POST /api/cases/{id}/moves": {Summary: "Move a case. Refused (409) when stale or when a gate item blocks; errors lists every blocking item", Tag: "cases",
		Body: moveRequest{}, Status: 201, Resp: eventJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"POST /api/cases/{id}/exceptions": {Summary: "Log a gate exception (manager): lets one failing item pass until it expires; opens the owner's work item", Tag: "gates",
		Body: exceptionRequest{}, Status: 201, Resp: exceptionJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"POST /api/exceptions/{id}/resolve": {Summary: "Resolve an exception (its owner, approver or a manager)", Tag: "gates",
		Body: resolveRequest{}, Status: 200, Resp: exceptionJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"GET /api/work/mine": {Summary: "The caller's open work items, most urgent first", Tag: "work", Status: 200, Resp: []workJSON{}, Errors: []int{401}},
	"POST /api/work/{id}/reassign": {Summary: "Give a work item to another active user (its owner or a manager)", Tag: "work",
		Body: reassignRequest{}, Status: 200, Resp: workJSON{}, Errors: []int{400, 401, 403, 404, 415, 422}},
	"POST /api/work/{id}/complete": {Summary: "Mark a work item done (its owner, claimant or a manager); the body is optional", Tag: "work",
		Body: completeRequest{}, Status: 200, Resp: workJSON{}, Errors: []int{400, 401, 403, 404, 409, 415}},
	"GET /api/queues": {Summary: "Every queue with its open count, oldest open item and default owner", Tag: "work", Status: 200, Resp: []queueJSON{}, Errors: []int{401}},
	"GET /api/queues/{queue}/items": {Summary: "A queue's work items, most urgent first", Tag: "work", Query: []param{
		{Name: "status", Desc: "open (default), done or all", Type: "string", Enum: []string{"open", "done", "all"}},
	}, Status: 200, Resp: []workJSON{}, Errors: []int{401, 422}},
	"POST /api/queues/{queue}/claim": {Summary: "Claim the queue's most urgent open, unclaimed item (the queue's role or manager)", Tag: "work",
		Status: 200, Resp: workJSON{}, Errors: []int{401, 403, 404}},
	"POST /api/queues/{queue}/owner": {Summary: "Set the queue's default owner, who gets its unassigned work (manager)", Tag: "work",
		Body: queueOwnerRequest{}, Status: 200, Resp: queueJSON{}, Errors: []int{400, 401, 403, 415, 422}},
	"GET /api/audit": {Summary: "The audit log, newest first (admin)", Tag: "users", Query: []param{
		{Name: "limit", Desc: "entries to return, 1 to 1000 (default 200)", Type: "integer"},
	}, Status: 200, Resp: []auditJSON{}, Errors: []int{401, 403, 422}},
	"GET /api/users":  {Summary: "Users, for owner choices (no password hashes)", Tag: "users", Status: 200, Resp: []userJSON{}, Errors: []int{401}},
	"POST /api/users": {Summary: "Create a user (admin)", Tag: "users", Body: createUserRequest{}, Status: 201, Resp: userJSON{}, Errors: []int{400, 401, 403, 409, 415, 422}},
}

func stageNames() []string {
	out := make([]string, len(claimgate.Stages))
	for i, s := range claimgate.Stages {
		out[i] = string(s)
	}
	return out
}

// enums lists the values of the API's named string types.
func enums() map[reflect.Type][]string {
	m := map[reflect.Type][]string{
		reflect.TypeFor[claimgate.Stage]():      stageNames(),
		reflect.TypeFor[claimgate.Zone]():       {string(claimgate.FrontEnd), string(claimgate.MidCycle), string(claimgate.BackEnd), string(claimgate.Done)},
		reflect.TypeFor[claimgate.MoveKind]():   {string(claimgate.Forward), string(claimgate.Rework), string(claimgate.Reopen), string(claimgate.Cancel)},
		reflect.TypeFor[workflow.Status]():      {string(workflow.Pass), string(workflow.Fail), string(workflow.Pending), string(workflow.Excepted)},
		reflect.TypeFor[claimgate.WorkStatus](): {string(claimgate.WorkOpen), string(claimgate.WorkDone)},
		reflect.TypeFor[claimgate.Sex]():        {string(claimgate.Female), string(claimgate.Male), string(claimgate.Unknown)},
	}
	var roles []string
	for _, r := range claimgate.Roles {
		roles = append(roles, string(r))
	}
	m[reflect.TypeFor[claimgate.Role]()] = roles
	return m
}

// schemaNames names the component schema of each body type.
var schemaNames = map[reflect.Type]string{
	reflect.TypeFor[loginRequest]():      "LoginRequest",
	reflect.TypeFor[sessionJSON]():       "Session",
	reflect.TypeFor[userJSON]():          "User",
	reflect.TypeFor[userRef]():           "UserRef",
	reflect.TypeFor[createUserRequest](): "CreateUserRequest",
	reflect.TypeFor[stageJSON]():         "Stage",
	reflect.TypeFor[nextJSON]():          "NextMove",
	reflect.TypeFor[caseJSON]():          "Case",
	reflect.TypeFor[createCaseRequest](): "CreateCaseRequest",
	reflect.TypeFor[patientJSON]():       "Patient",
	reflect.TypeFor[caseViewJSON]():      "CaseView",
	reflect.TypeFor[itemJSON]():          "GateItem",
	reflect.TypeFor[gateJSON]():          "GateReport",
	reflect.TypeFor[moveRequest]():       "MoveRequest",
	reflect.TypeFor[eventJSON]():         "Event",
	reflect.TypeFor[exceptionRequest]():  "ExceptionRequest",
	reflect.TypeFor[exceptionJSON]():     "Exception",
	reflect.TypeFor[resolveRequest]():    "ResolveRequest",
	reflect.TypeFor[workJSON]():          "WorkItem",
	reflect.TypeFor[reassignRequest]():   "ReassignRequest",
	reflect.TypeFor[completeRequest]():   "CompleteRequest",
	reflect.TypeFor[queueJSON]():         "QueueSummary",
	reflect.TypeFor[queueOwnerRequest](): "QueueOwnerRequest",
	reflect.TypeFor[auditJSON]():         "AuditEntry",
	reflect.TypeFor[Problem]():           "Problem",
}

// requestRequired lists the fields a request body must carry.
var requestRequired = map[string][]string{
	"LoginRequest":      {"username", "password"},
	"QueueOwnerRequest": {"owner_id"},
	"CreateUserRequest": {"username", "name", "password", "roles"},
	"CreateCaseRequest": {"patient_id", "location_id", "provider_id", "service_date"},
	"MoveRequest":       {"from", "to"},
	"ExceptionRequest":  {"gate", "item", "reason", "owner_id", "expires"},
	"ResolveRequest":    {"resolution"},
	"ReassignRequest":   {"owner_id"},
}

type schemaGen struct {
	enums   map[reflect.Type][]string
	schemas map[string]any
}

// schema returns the JSON Schema of t, adding named structs to components.
func (g *schemaGen) schema(t reflect.Type) map[string]any {
	if vals, ok := g.enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}
	}
	switch t {
	case reflect.TypeFor[time.Time]():
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeFor[claimgate.Date]():
		return map[string]any{"type": "string", "format": "date"}
	case reflect.TypeFor[json.RawMessage]():
		return map[string]any{"description": "kind-specific JSON"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.schema(t.Elem())
		if ref, ok := s["$ref"]; ok {
			return map[string]any{"oneOf": []any{map[string]any{"$ref": ref}, map[string]any{"type": "null"}}}
		}
		if typ, ok := s["type"].(string); ok {
			s["type"] = []any{typ, "null"}
		}
		return s
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Struct:
		name, ok := schemaNames[t]
		if !ok {
			panic("http: openapi: no schema name for " + t.String())
		}
		if _, done := g.schemas[name]; !done {
			g.schemas[name] = nil // break cycles
			props := map[string]any{}
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				tag := f.Tag.Get("json")
				jn, _, _ := strings.Cut(tag, ",")
				if jn == "-" || !f.IsExported() {
					continue
				}
				if jn == "" {
					jn = f.Name
				}
				props[jn] = g.schema(f.Type)
			}
			s := map[string]any{"type": "object", "properties": props}
			if req := requestRequired[name]; req != nil {
				s["required"] = req
				s["additionalProperties"] = false
			}
			g.schemas[name] = s
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic("http: openapi: no schema for " + t.String())
}

var pathParamRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPIJSON renders the OpenAPI 3 document.
func (s *Server) openAPIJSON() ([]byte, error) {
	g := &schemaGen{enums: enums(), schemas: map[string]any{}}
	problemRef := g.schema(reflect.TypeFor[Problem]())
	paths := map[string]map[string]any{}
	keys := make([]string, 0, len(apiOps))
	for k := range apiOps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		op := apiOps[key]
		method, path, ok := strings.Cut(key, " ")
		if !ok {
			return nil, fmt.Errorf("bad operation key %q", key)
		}
		o := map[string]any{
			"summary":     op.Summary,
			"tags":        []string{op.Tag},
			"operationId": operationID(method, path),
		}
		var params []any
		for _, m := range pathParamRE.FindAllStringSubmatch(path, -1) {
			typ := "integer"
			if m[1] == "queue" {
				typ = "string"
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": typ}})
		}
		for _, q := range op.Query {
			sch := map[string]any{"type": q.Type}
			if q.Enum != nil {
				sch["enum"] = q.Enum
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Desc, "schema": sch})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Body != nil {
			o["requestBody"] = map[string]any{
				"required": method != "POST" || !strings.HasSuffix(path, "/complete"),
				"content":  map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(op.Body))}},
			}
		}
		responses := map[string]any{}
		okResp := map[string]any{"description": http.StatusText(op.Status)}
		if op.Resp != nil {
			okResp["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(op.Resp))}}
		}
		responses[strconv.Itoa(op.Status)] = okResp
		for _, st := range append(op.Errors, 500) {
			responses[strconv.Itoa(st)] = map[string]any{
				"description": http.StatusText(st),
				"content":     map[string]any{"application/problem+json": map[string]any{"schema": problemRef}},
			}
		}
		o["responses"] = responses
		switch {
		case key == "POST /api/login" || key == "GET /api/openapi.json":
			o["security"] = []any{}
		case method != "GET":
			o["security"] = []any{map[string]any{"session": []string{}, "csrf": []string{}}}
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(method)] = o
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "claimgate API",
			"version": "0.1.0",
			"description": "The JSON API of claimgate, a revenue-cycle workflow server: cases move through a 17-stage chain " +
				"guarded by three gates; failing gate items stop the line unless a manager logs an exception.\n\n" +
				"Authentication: POST /api/login with a username and password sets the HttpOnly session cookie " +
				"(claimgate_session) and returns a csrf_token. Every request after that sends the cookie; every " +
				"request that is not a GET must also send the token in the X-CSRF-Token header and a JSON body " +
				"with Content-Type: application/json. GET /api/session returns the token again.\n\n" +
				"Errors are RFC 9457 problem details (application/problem+json) with type, title, status, detail " +
				"and, when there are several problems (every blocking gate item, every invalid field), an errors array. " +
				"Reads of patient data and every change are written to the audit log.",
		},
		"paths":    paths,
		"security": []any{map[string]any{"session": []string{}}},
		"components": map[string]any{
			"schemas": g.schemas,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie,
					"description": "The session cookie set by POST /api/login."},
				"csrf": map[string]any{"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
					"description": "The session's csrf_token, required on every write."},
			},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// operationID makes "getCasesId"-style IDs from a method and path.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.Split(strings.TrimPrefix(path, "/api/"), "/") {
		part = strings.Trim(part, "{}")
		part = strings.NewReplacer(".", "_", "-", "_").Replace(part)
		for _, w := range strings.Split(part, "_") {
			if w != "" {
				b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			}
		}
	}
	return b.String()
}
