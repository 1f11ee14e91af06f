package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/codeset"
)

func testCodeSets(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	cs, ok := s.(codeset.Store)
	if !ok {
		t.Fatalf("%T does not keep code sets (codeset.Store)", s)
	}
	date := func(y, m, d int) claimgate.Date { return claimgate.Date{Year: y, Month: time.Month(m), Day: d} }
	icd22 := &codeset.Set{Kind: codeset.ICD10CM, Version: "FY2022", From: date(2021, 10, 1), To: date(2022, 9, 30),
		SHA256: "aa", Source: "icd10cm_order_2022.txt", Codes: []codeset.Code{
			{Code: "E11", Short: "Type 2 diabetes mellitus", Long: "Type 2 diabetes mellitus"},
			{Code: "E119", Billable: true, Short: "Type 2 diabetes mellitus without complications", Long: "Type 2 diabetes mellitus without complications"},
			{Code: "Z00129", Billable: true, Short: "Encntr for routine child health exam w/o abnormal findings"},
		}}
	icd21 := &codeset.Set{Kind: codeset.ICD10CM, Version: "FY2021", From: date(2020, 10, 1), To: date(2021, 9, 30),
		SHA256: "bb", Source: "icd10cm_order_2021.txt", Codes: []codeset.Code{{Code: "E119", Billable: true}}}
	hcpcs := &codeset.Set{Kind: codeset.HCPCS, Version: "2024", SHA256: "aa", // icd22's bytes, another kind: no clash
		Codes: []codeset.Code{
			{Code: "G0438", Billable: true, From: date(2011, 1, 1), To: date(2099, 12, 31)},
			{Code: "A0021", Billable: true, Deactivated: true},
		}}
	ptp := &codeset.Set{Kind: codeset.PTP, Version: "2024Q1", From: date(2024, 1, 1), SHA256: "cc", Edits: []codeset.Edit{
		{Column1: "11042", Column2: "97597", From: date(2013, 1, 1), Modifier: '1', Rationale: "CPT Manual or CMS manual coding instructions"},
		{Column1: "99213", Column2: "G0463", From: date(2014, 1, 1), To: date(2019, 12, 31), Modifier: '9'},
		{Column1: "36415", Column2: "36416", Modifier: '0'},
	}}
	mue := &codeset.Set{Kind: codeset.MUE, Version: "2024Q1", SHA256: "dd", Limits: []codeset.Limit{
		{Code: "99213", MaxUnits: 1, Adjudication: 2, Rationale: "Code Descriptor / CPT Instruction"},
		{Code: "J1100", MaxUnits: 120, Adjudication: 3},
	}}
	// A set big enough to need several INSERT statements.
	big := &codeset.Set{Kind: codeset.RARC, Version: "big", SHA256: "ee"}
	for i := range 5000 {
		big.Codes = append(big.Codes, codeset.Code{Code: fmt.Sprintf("N%04d", i), Billable: i%3 != 0, Short: "remark"})
	}
	sets := []*codeset.Set{icd22, icd21, hcpcs, ptp, mue, big}
	for _, set := range sets {
		created, err := cs.SaveSet(ctx, set)
		must(t, err)
		if !created || set.ID == 0 || set.ImportedAt.IsZero() {
			t.Errorf("SaveSet(%s) = %v, ID %d, ImportedAt %v; want created, with ID and time", set.Label(), created, set.ID, set.ImportedAt)
		}
	}
	counts := []struct {
		set             *codeset.Set
		count, billable int
	}{{icd22, 3, 2}, {icd21, 1, 1}, {hcpcs, 2, 2}, {ptp, 3, 3}, {mue, 2, 2}, {big, 5000, 3333}}
	for _, c := range counts {
		if c.set.Count != c.count || c.set.Billable != c.billable {
			t.Errorf("SaveSet(%s) counts %d/%d, want %d/%d", c.set.Label(), c.set.Count, c.set.Billable, c.count, c.billable)
		}
	}
	for _, set := range sets {
		got, err := cs.LoadSet(ctx, set.ID)
		must(t, err)
		diff(t, "LoadSet("+set.Label()+")", got, set, cmpopts.EquateEmpty())
	}

	// The same file again, under another version name: nothing is stored
	// and the stored set's identity is filled in.
	again := &codeset.Set{Kind: codeset.ICD10CM, Version: "2022 again", SHA256: "aa", Codes: icd22.Codes}
	created, err := cs.SaveSet(ctx, again)
	must(t, err)
	if created || again.ID != icd22.ID || again.Version != "FY2022" || again.From != icd22.From || again.To != icd22.To ||
		again.Count != 3 || again.Billable != 2 || !again.ImportedAt.Equal(icd22.ImportedAt) {
		t.Errorf("SaveSet(same file) = %v, %+v; want not created, with FY2022's identity", created, again)
	}
	_, err = cs.SaveSet(ctx, &codeset.Set{Kind: codeset.ICD10CM, Version: "FY2022", SHA256: "ff", Codes: icd21.Codes})
	wantKind(t, "SaveSet(same version, other file)", err, claimgate.Conflict)
	_, err = cs.SaveSet(ctx, &codeset.Set{Kind: "icd9", Version: "x", SHA256: "gg"})
	wantKind(t, "SaveSet(unknown kind)", err, claimgate.Invalid)
	wantKind(t, "LoadSet(unknown)", get(cs.LoadSet(ctx, 999999)), claimgate.NotFound)

	meta := func(sets ...*codeset.Set) []*codeset.Set {
		var out []*codeset.Set
		for _, s := range sets {
			m := *s
			m.Codes, m.Edits, m.Limits = nil, nil, nil
			out = append(out, &m)
		}
		return out
	}
	tests := []struct {
		kind codeset.Kind
		want []*codeset.Set
	}{
		{"", meta(hcpcs, icd21, icd22, mue, ptp, big)}, // by kind, then From (none first)
		{codeset.ICD10CM, meta(icd21, icd22)},
		{codeset.CPT, nil},
	}
	for _, tc := range tests {
		got, err := cs.Sets(ctx, tc.kind)
		must(t, err)
		diff(t, "Sets("+string(tc.kind)+")", got, tc.want, cmpopts.EquateEmpty())
	}
}

// testCodeSetsLoad builds the codeset index from the store, the way the
// server does: a stored set replaces the built-in one of its kind.
func testCodeSetsLoad(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	cs, ok := s.(codeset.Store)
	if !ok {
		t.Fatalf("%T does not keep code sets (codeset.Store)", s)
	}
	if _, err := codeset.Load(ctx, cs); err != nil {
		t.Fatalf("Load from an empty store: %v", err)
	}
	// A MUE set of its own: the index answers from it.
	set := &codeset.Set{Kind: codeset.MUE, Version: "test", SHA256: "11",
		Limits: []codeset.Limit{{Code: "ZZ999", MaxUnits: 7, Adjudication: 1}}}
	if _, err := cs.SaveSet(ctx, set); err != nil {
		t.Fatal(err)
	}
	ix, err := codeset.Load(ctx, cs)
	if err != nil {
		t.Fatalf("Load with a stored set: %v", err)
	}
	l, ok := ix.MUE("ZZ999", claimgate.Date{Year: 2026, Month: 1, Day: 2})
	if !ok || l.MaxUnits != 7 {
		t.Errorf("index built from the store: MUE(ZZ999) = %+v, %v; want 7 units", l, ok)
	}
}
