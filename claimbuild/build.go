package claimbuild

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/x12/claim"
)

// Options are the parts of a claim that come from the sender, not the
// case.
type Options struct {
	// Created is the transaction's creation time (BHT04, BHT05); zero
	// means now.
	Created time.Time
	// Reference is BHT03, the originator's batch identifier; empty means
	// the patient control number.
	Reference string
	// Submitter is loop 1000A: who sends the file, with the EDI contact.
	Submitter Submitter
	// Receiver is loop 1000B: the clearinghouse or payer receiving it.
	Receiver Receiver
	// FacilityType is CLM05-1 of an 837I, the first two digits of the
	// type of bill; empty means 13 (hospital outpatient).
	FacilityType string
	// PatientStatus is CL103 of an 837I; empty means 01 (discharged home).
	PatientStatus string
	// NotAssigned says the provider does not accept assignment (CLM07 C,
	// CLM08 N): payment goes to the patient. The default is assigned (A,
	// Y), as a practice's claims are.
	NotAssigned bool
}

// Submitter is the sender of the file: its ETIN (the ID the
// clearinghouse gave it), its name and the EDI contact's phone.
type Submitter struct {
	ID      string
	Name    string // empty means the billing provider's name
	Contact string // the contact's name
	Phone   string // ten digits
}

// Receiver is the receiver of the file.
type Receiver struct {
	ID   string
	Name string
}

// Default values of the options.
const (
	DefaultFacilityType  = "13" // hospital outpatient
	DefaultPatientStatus = "01" // discharged to home or self care
)

// Most lines and diagnoses each guide holds on one claim.
const (
	maxLinesP      = 50
	maxLinesI      = 999
	maxDiagnosesP  = 12
	maxDiagnosesI  = 25 // the principal and two HI*ABF segments of 12
	maxPointers    = 4
	maxModifiers   = 4
	maxControlChar = 20 // CLM01 the guides ask receivers to keep
)

// filingIndicators are the claim filing indicator codes of SBR09.
var filingIndicators = strings.Fields("11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ")

// relationships are the patient's relationships to the subscriber a claim
// can carry: 18 in SBR02, the others in PAT01.
var relationships = []claimgate.Relationship{claimgate.Self, claimgate.Spouse, claimgate.Child, claimgate.Other, "20", "21", "39", "40", "53"}

// Build837P builds the professional claim (005010X222A1) of in: one
// transaction with one billing provider, one subscriber, the patient when
// it is someone else, and one claim. An Input missing something the guide
// requires is an error of kind Invalid whose message names the field; its
// Details list every problem found.
func Build837P(in *Input, opt Options) (*claim.Transaction, error) {
	return build(in, opt, false)
}

// Build837I builds the institutional claim (005010X223A2) of in, for an
// outpatient visit: type of bill Options.FacilityType with in's frequency,
// statement dates from the lines, the rendering provider as attending,
// revenue codes from the chargemaster and CL1 with only the patient
// status. Errors are as for Build837P.
func Build837I(in *Input, opt Options) (*claim.Transaction, error) {
	return build(in, opt, true)
}

// checker collects the problems of an Input.
type checker struct{ problems []string }

func (c *checker) add(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &claimgate.Error{Kind: claimgate.Invalid, Msg: c.problems[0], Details: c.problems}
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// address checks a US address; zip9 asks for the full nine-digit ZIP.
func (c *checker) address(who string, a claimgate.Address, zip9 bool) {
	if a.Line1 == "" || a.City == "" {
		c.add("%s: address line and city are required", who)
	}
	if len(a.State) != 2 {
		c.add("%s: state must be 2 letters", who)
	}
	z := strings.ReplaceAll(a.Zip, "-", "")
	switch {
	case zip9 && (len(z) != 9 || !digits(z)):
		c.add("%s: ZIP must be 9 digits", who)
	case !zip9 && (len(z) != 5 && len(z) != 9 || !digits(z)):
		c.add("%s: ZIP must be 5 or 9 digits", who)
	}
}

func (c *checker) npi(who, npi string) {
	switch {
	case npi == "":
		c.add("%s: NPI is required", who)
	case !claimgate.ValidNPI(npi):
		c.add("%s: NPI %s is not valid (check digit)", who, npi)
	}
}

func (c *checker) provider(who string, p claimgate.Provider) {
	if p.Last == "" {
		c.add("%s: last name is required", who)
	}
	c.npi(who, p.NPI)
}

// poBox reports whether a looks like a post office or lock box, which the
// billing provider's address may not be (837 2010AA N301).
func poBox(a claimgate.Address) bool {
	for _, l := range []string{a.Line1, a.Line2} {
		l = strings.NewReplacer(".", "", " ", "").Replace(strings.ToUpper(l))
		if strings.HasPrefix(l, "POBOX") || strings.HasPrefix(l, "POSTOFFICEBOX") || strings.HasPrefix(l, "LOCKBOX") {
			return true
		}
	}
	return false
}

// sameAddress reports whether two addresses are the same place.
func sameAddress(a, b claimgate.Address) bool {
	norm := func(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
	zip := func(z string) string {
		z = strings.ReplaceAll(z, "-", "")
		return z[:min(5, len(z))]
	}
	return norm(a.Line1) == norm(b.Line1) && norm(a.Line2) == norm(b.Line2) && norm(a.City) == norm(b.City) &&
		norm(a.State) == norm(b.State) && zip(a.Zip) == zip(b.Zip)
}

// separateFacility reports whether the claim carries a service facility
// loop: the place of service is not the billing provider's address.
func (in *Input) separateFacility() bool {
	return !sameAddress(in.Facility.Address, in.Billing.Address)
}

// check returns every problem of in for the guide (institutional or not).
func (in *Input) check(opt Options, inst bool) error {
	c := &checker{}
	if in.CaseID <= 0 || in.Sequence <= 0 {
		c.add("claim: case ID and claim sequence are required")
	} else if pcn := in.PatientControlNumber(); len(pcn) > maxControlChar {
		c.add("claim: patient control number %s is longer than %d characters", pcn, maxControlChar)
	}
	switch in.Frequency {
	case "", Original:
	case Replacement, Void:
		if in.PayerClaimControlNumber == "" {
			c.add("claim: frequency %s needs the payer's claim control number (REF*F8)", in.Frequency)
		}
	default:
		c.add("claim: frequency %q: want 1 (original), 7 (replacement) or 8 (void)", in.Frequency)
	}

	b := in.Billing
	if b.Name == "" {
		c.add("billing provider: name is required")
	}
	c.npi("billing provider", b.NPI)
	if tin := strings.ReplaceAll(b.TaxID, "-", ""); len(tin) != 9 || !digits(tin) {
		c.add("billing provider: tax ID (EIN) must be 9 digits")
	}
	c.address("billing provider", b.Address, true)
	if poBox(b.Address) {
		c.add("billing provider: address must be a street address; a PO box goes in the pay-to address")
	}
	if in.PayTo != nil {
		c.address("pay-to provider", *in.PayTo, false)
	}
	c.provider("rendering provider", in.Rendering)
	if in.Referring != nil {
		c.provider("referring provider", *in.Referring)
	}
	if !inst {
		if pos := in.Facility.PlaceOfService; len(pos) != 2 || !digits(pos) {
			c.add("service facility: place of service must be 2 digits")
		}
	}
	if in.separateFacility() {
		if in.Facility.Name == "" {
			c.add("service facility: name is required")
		}
		if in.Facility.NPI != "" {
			c.npi("service facility", in.Facility.NPI)
		}
		c.address("service facility", in.Facility.Address, true)
	}

	cov := in.Coverage
	if cov.Rank < 1 || cov.Rank > 3 {
		c.add("coverage: rank %d: want 1, 2 or 3", cov.Rank)
	}
	if cov.MemberID == "" {
		c.add("coverage: member ID is required")
	}
	if !slices.Contains(filingIndicators, cov.PlanType) {
		c.add("coverage: plan type %q is not a claim filing indicator code (SBR09)", cov.PlanType)
	}
	if !slices.Contains(relationships, cov.Relationship) {
		c.add("coverage: relationship %q is not a patient relationship code", cov.Relationship)
	} else if cov.Relationship != claimgate.Self && cov.SubscriberLast == "" {
		c.add("subscriber: last name is required when the patient is not the subscriber")
	}
	if in.Payer.Name == "" {
		c.add("payer: name is required")
	}
	if in.Payer.PayerID == "" {
		c.add("payer: payer ID is required")
	}
	for i, o := range in.OtherCoverages {
		who := fmt.Sprintf("other coverage %d", i+1)
		if o.Coverage.MemberID == "" || o.Payer.Name == "" || o.Payer.PayerID == "" {
			c.add("%s: member ID, payer name and payer ID are required", who)
		}
		if o.Coverage.Rank < 1 || o.Coverage.Rank > 3 || o.Coverage.Rank == cov.Rank {
			c.add("%s: rank %d: want 1, 2 or 3, other than the claim's", who, o.Coverage.Rank)
		}
		if !slices.Contains(filingIndicators, o.Coverage.PlanType) {
			c.add("%s: plan type %q is not a claim filing indicator code (SBR09)", who, o.Coverage.PlanType)
		}
	}

	p := in.Patient
	if p.Last == "" {
		c.add("patient: last name is required")
	}
	if p.BirthDate.IsZero() {
		c.add("patient: birth date is required")
	}
	if p.Sex != claimgate.Female && p.Sex != claimgate.Male && p.Sex != claimgate.Unknown {
		c.add("patient: sex must be F, M or U")
	}
	c.address("patient", p.Address, false)

	maxDx, maxLines := maxDiagnosesP, maxLinesP
	if inst {
		maxDx, maxLines = maxDiagnosesI, maxLinesI
	}
	switch n := len(in.Diagnoses); {
	case n == 0:
		c.add("diagnoses: at least one is required")
	case n > maxDx:
		c.add("diagnoses: %d codes; the claim holds %d", n, maxDx)
	}
	seen := map[string]bool{}
	for i, d := range in.Diagnoses {
		if len(d) < 3 || len(d) > 7 || strings.ContainsAny(d, ". ") {
			c.add("diagnosis %d: %q is not an ICD-10-CM code without its dot", i+1, d)
		}
		if seen[d] {
			c.add("diagnosis %d: %s is listed twice", i+1, d)
		}
		seen[d] = true
	}
	switch n := len(in.Lines); {
	case n == 0:
		c.add("claim: no service lines")
	case n > maxLines:
		c.add("claim: %d service lines; the claim holds %d", n, maxLines)
	}
	for i, l := range in.Lines {
		in.checkLine(c, i+1, l, inst)
	}
	if opt.Submitter.ID == "" {
		c.add("submitter: ID (ETIN) is required")
	}
	if ph := opt.Submitter.Phone; len(ph) != 10 || !digits(ph) {
		c.add("submitter: contact phone must be 10 digits")
	}
	if opt.Receiver.ID == "" || opt.Receiver.Name == "" {
		c.add("receiver: name and ID are required")
	}
	return c.err()
}

func (in *Input) checkLine(c *checker, n int, l Line, inst bool) {
	if l.Code == "" {
		c.add("line %d: procedure code is required", n)
	}
	if len(l.Modifiers) > maxModifiers {
		c.add("line %d: %d modifiers; the line holds %d", n, len(l.Modifiers), maxModifiers)
	}
	for _, m := range l.Modifiers {
		if len(m) != 2 {
			c.add("line %d: modifier %q must be 2 characters", n, m)
		}
	}
	if l.Units < 1 {
		c.add("line %d: units must be at least 1", n)
	}
	if l.Charge < 0 {
		c.add("line %d: charge must not be negative", n)
	}
	if l.ServiceDate.IsZero() {
		c.add("line %d: service date is required", n)
	}
	if l.ID <= 0 {
		c.add("line %d: charge line ID (line item control number) is required", n)
	}
	if inst {
		if len(l.RevenueCode) != 4 || !digits(l.RevenueCode) {
			c.add("line %d: no revenue code for %s in the chargemaster", n, l.Code)
		}
		return
	}
	switch {
	case len(l.DxPointers) == 0:
		c.add("line %d: no diagnosis pointer", n)
	case len(l.DxPointers) > maxPointers:
		c.add("line %d: %d diagnosis pointers; the line holds %d", n, len(l.DxPointers), maxPointers)
	}
	seen := map[int]bool{}
	for _, p := range l.DxPointers {
		switch {
		case p < 1 || p > len(in.Diagnoses):
			c.add("line %d: diagnosis pointer %d points past the claim's %d diagnoses", n, p, len(in.Diagnoses))
		case seen[p]:
			c.add("line %d: diagnosis pointer %d is repeated", n, p)
		}
		seen[p] = true
	}
}

func build(in *Input, opt Options, inst bool) (*claim.Transaction, error) {
	if err := in.check(opt, inst); err != nil {
		return nil, err
	}
	if opt.Created.IsZero() {
		opt.Created = time.Now().UTC()
	}
	pcn := in.PatientControlNumber()
	t := &claim.Transaction{
		Version:   claim.Professional,
		Purpose:   "00",
		Reference: opt.Reference,
		Created:   opt.Created.Truncate(time.Minute),
		Type:      "CH",
		Submitter: claim.Party{
			Entity:   claim.Entity{Role: "41", Type: "2", Last: upper(cmp.Or(opt.Submitter.Name, in.Billing.Name)), IDQualifier: "46", ID: opt.Submitter.ID},
			Contacts: []claim.Contact{{Function: "IC", Name: upper(opt.Submitter.Contact), Numbers: []claim.Communication{{Qualifier: "TE", Number: opt.Submitter.Phone}}}},
		},
		Receiver: claim.Party{Entity: claim.Entity{Role: "40", Type: "2", Last: upper(opt.Receiver.Name), IDQualifier: "46", ID: opt.Receiver.ID}},
	}
	if inst {
		t.Version = claim.Institutional
	}
	if t.Reference == "" {
		t.Reference = pcn
	}

	bp := claim.BillingProvider{
		Party: claim.Party{
			Entity:  claim.Entity{Role: "85", Type: "2", Last: upper(in.Billing.Name), IDQualifier: "XX", ID: in.Billing.NPI},
			Address: address(in.Billing.Address),
		},
		TaxIDQualifier: "EI", TaxID: strings.ReplaceAll(in.Billing.TaxID, "-", ""),
	}
	if in.Billing.Taxonomy != "" {
		bp.SpecialtyCode, bp.Taxonomy = "BI", in.Billing.Taxonomy
	}
	if in.PayTo != nil {
		bp.PayTo = &claim.Party{Entity: claim.Entity{Role: "87", Type: "2"}, Address: address(*in.PayTo)}
	}

	cov := in.Coverage
	self := cov.Relationship == claimgate.Self
	sb := claim.Subscriber{
		PayerResponsibility: responsibility(cov.Rank),
		GroupNumber:         cov.GroupNumber,
		FilingIndicator:     cov.PlanType,
		Payer:               claim.Party{Entity: claim.Entity{Role: "PR", Type: "2", Last: upper(in.Payer.Name), IDQualifier: "PI", ID: in.Payer.PayerID}},
	}
	pt := in.Patient
	c := in.claim(opt, inst)
	if self {
		sb.Relationship = "18"
		sb.Name = claim.Party{
			Entity:  claim.Entity{Role: "IL", Type: "1", Last: upper(pt.Last), First: upper(pt.First), IDQualifier: "MI", ID: cov.MemberID},
			Address: address(pt.Address),
		}
		sb.BirthDate, sb.Sex = pt.BirthDate.Time(), string(pt.Sex)
		sb.Claims = []claim.Claim{c}
	} else {
		sb.Name = claim.Party{Entity: claim.Entity{Role: "IL", Type: "1", Last: upper(cov.SubscriberLast), First: upper(cov.SubscriberFirst), IDQualifier: "MI", ID: cov.MemberID}}
		if !cov.SubscriberBirthDate.IsZero() {
			sb.BirthDate, sb.Sex = cov.SubscriberBirthDate.Time(), string(claimgate.Unknown)
		}
		sb.Patients = []claim.Patient{{
			Info: claim.PatientInfo{Relationship: string(cov.Relationship)},
			Name: claim.Party{
				Entity:  claim.Entity{Role: "QC", Type: "1", Last: upper(pt.Last), First: upper(pt.First)},
				Address: address(pt.Address),
			},
			BirthDate: pt.BirthDate.Time(), Sex: string(pt.Sex),
			Claims: []claim.Claim{c},
		}}
	}
	bp.Subscribers = []claim.Subscriber{sb}
	t.BillingProviders = []claim.BillingProvider{bp}
	return t, nil
}

// claim builds the 2300 loop.
func (in *Input) claim(opt Options, inst bool) claim.Claim {
	freq := cmp.Or(in.Frequency, Original)
	c := claim.Claim{
		PatientControlNumber:    in.PatientControlNumber(),
		TotalCharge:             int64(in.Total()),
		Frequency:               freq,
		Assignment:              "A",
		BenefitsAssignment:      "Y",
		ReleaseOfInformation:    "Y",
		PriorAuthorization:      in.PriorAuthorization,
		PayerClaimControlNumber: in.PayerClaimControlNumber,
	}
	if opt.NotAssigned {
		c.Assignment, c.BenefitsAssignment = "C", "N"
	}
	if freq == Original {
		c.PayerClaimControlNumber = ""
	}
	var dx claim.CodeList
	for i, d := range in.Diagnoses {
		q := "ABF"
		if i == 0 {
			q = "ABK"
		}
		dx = append(dx, claim.HealthCode{Qualifier: q, Code: d})
	}
	if inst {
		c.FacilityCode, c.FacilityQualifier = cmp.Or(opt.FacilityType, DefaultFacilityType), "A"
		from, to := in.ServiceDates()
		c.Dates = []claim.DatePeriod{{Qualifier: "434", Format: "RD8", From: from.Time(), To: to.Time()}}
		c.Institutional = &claim.InstitutionalCode{PatientStatus: cmp.Or(opt.PatientStatus, DefaultPatientStatus)}
		// The principal diagnosis has its own HI; the others follow, 12 to
		// a segment.
		c.HealthCodes = []claim.CodeList{dx[:1]}
		if in.unscheduledOutpatient(c.FacilityCode) {
			// The patient's reason for visit (HI*APR), which the 837I
			// wants for an unscheduled outpatient visit: the case's first
			// diagnoses, up to three.
			var apr claim.CodeList
			for _, d := range in.Diagnoses[:min(3, len(in.Diagnoses))] {
				apr = append(apr, claim.HealthCode{Qualifier: "APR", Code: d})
			}
			c.HealthCodes = append(c.HealthCodes, apr)
		}
		for rest := dx[1:]; len(rest) > 0; rest = rest[min(12, len(rest)):] {
			c.HealthCodes = append(c.HealthCodes, rest[:min(12, len(rest))])
		}
		c.Providers = append(c.Providers, provider("71", "AT", in.Rendering))
	} else {
		c.FacilityCode, c.FacilityQualifier = in.Facility.PlaceOfService, "B"
		c.ProviderSignature = "Y"
		c.HealthCodes = []claim.CodeList{dx}
		if in.Referring != nil {
			c.Providers = append(c.Providers, provider("DN", "", *in.Referring))
		}
		c.Providers = append(c.Providers, provider("82", "PE", in.Rendering))
	}
	if in.separateFacility() {
		f := claim.Party{
			Entity:  claim.Entity{Role: "77", Type: "2", Last: upper(in.Facility.Name)},
			Address: address(in.Facility.Address),
		}
		if in.Facility.NPI != "" {
			f.IDQualifier, f.ID = "XX", in.Facility.NPI
		}
		c.Providers = append(c.Providers, f)
	}
	if inst && in.Referring != nil {
		// The 837I's referring provider (2310F) follows the facility (2310E).
		c.Providers = append(c.Providers, provider("DN", "", *in.Referring))
	}
	for _, o := range in.OtherCoverages {
		c.OtherSubscribers = append(c.OtherSubscribers, in.otherSubscriber(o))
	}
	for i, l := range in.Lines {
		c.Lines = append(c.Lines, line(i+1, l, inst))
	}
	return c
}

// unscheduledOutpatient reports whether an 837I of facility type ft is
// an unscheduled outpatient visit, for which the guide requires the
// patient's reason for visit: type of bill 013x or 085x with an emergency
// (045x), urgent care (0516, 0526) or observation (0762) revenue code.
func (in *Input) unscheduledOutpatient(ft string) bool {
	if ft != "13" && ft != "85" {
		return false
	}
	for _, l := range in.Lines {
		if strings.HasPrefix(l.RevenueCode, "045") || slices.Contains([]string{"0516", "0526", "0762"}, l.RevenueCode) {
			return true
		}
	}
	return false
}

func (in *Input) otherSubscriber(o OtherCoverage) claim.OtherSubscriber {
	cov := o.Coverage
	rel := string(cov.Relationship)
	last, first := cov.SubscriberLast, cov.SubscriberFirst
	if cov.Relationship == claimgate.Self {
		last, first = in.Patient.Last, in.Patient.First
	}
	if last == "" {
		last = in.Patient.Last
	}
	return claim.OtherSubscriber{
		PayerResponsibility:  responsibility(cov.Rank),
		Relationship:         rel,
		GroupNumber:          cov.GroupNumber,
		FilingIndicator:      cov.PlanType,
		BenefitsAssignment:   "Y",
		ReleaseOfInformation: "Y",
		Subscriber:           claim.Party{Entity: claim.Entity{Role: "IL", Type: "1", Last: upper(last), First: upper(first), IDQualifier: "MI", ID: cov.MemberID}},
		Payer:                claim.Party{Entity: claim.Entity{Role: "PR", Type: "2", Last: upper(o.Payer.Name), IDQualifier: "PI", ID: o.Payer.PayerID}},
	}
}

func line(n int, l Line, inst bool) claim.Line {
	out := claim.Line{
		Number:                n,
		Procedure:             claim.Procedure{Qualifier: "HC", Code: l.Code, Modifiers: slices.Clone(l.Modifiers)},
		Charge:                int64(l.Charge),
		UnitBasis:             "UN",
		Units:                 claim.Units(int64(l.Units)),
		Dates:                 []claim.DatePeriod{{Qualifier: "472", Format: "D8", From: l.ServiceDate.Time()}},
		LineItemControlNumber: fmt.Sprint(l.ID),
	}
	if inst {
		out.RevenueCode = l.RevenueCode
	} else {
		out.DiagnosisPointers = slices.Clone(l.DxPointers)
	}
	return out
}

func provider(role, specialty string, p claimgate.Provider) claim.Party {
	out := claim.Party{Entity: claim.Entity{Role: role, Type: "1", Last: upper(p.Last), First: upper(p.First), IDQualifier: "XX", ID: p.NPI}}
	if specialty != "" && p.Taxonomy != "" {
		out.SpecialtyCode, out.Taxonomy = specialty, p.Taxonomy
	}
	return out
}

func address(a claimgate.Address) claim.Address {
	return claim.Address{Line1: upper(a.Line1), Line2: upper(a.Line2), City: upper(a.City), State: upper(a.State), PostalCode: strings.ReplaceAll(a.Zip, "-", "")}
}

// responsibility returns SBR01 for a coverage rank.
func responsibility(rank int) string {
	switch rank {
	case 2:
		return "S"
	case 3:
		return "T"
	}
	return "P"
}

// upper puts a name in capitals, as claims carry names, with runs of
// spaces made one.
func upper(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
