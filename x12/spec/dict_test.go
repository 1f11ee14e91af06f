package spec

import (
	"fmt"
	"io/fs"
	"sort"
	"testing"
)

// dictDifferences lists the elements whose definition in our dictionaries
// deliberately differs from pyx12's dataele.xml, with the reason.
var dictDifferences = map[string]string{
	"719: ours N0 1-10, dataele.xml N0 1-6": "5010 widened Segment Position in Transaction Set to 1/10 (as SE01); dataele.xml has the 4010 1/6",
}

// TestDictionaryAgainstDataEle holds every element of our dictionaries
// against pyx12's dataele.xml: type, minimum and maximum length.
func TestDictionaryAgainstDataEle(t *testing.T) {
	dicts, err := fs.Sub(dictFiles, "dict")
	if err != nil {
		t.Fatal(err)
	}
	d, err := loadDicts(dicts)
	if err != nil {
		t.Fatal(err)
	}
	dataEle := loadDataEle(t)
	nums := make([]string, 0, len(d.elements))
	for num := range d.elements {
		nums = append(nums, num)
	}
	sort.Strings(nums)
	seen := make(map[string]bool)
	checked := 0
	for _, num := range nums {
		e := d.elements[num]
		x, ok := dataEle[num]
		if !ok {
			continue
		}
		checked++
		if e.typ.String() == x.Type && e.min == x.Min && e.max == x.Max {
			continue
		}
		diff := fmt.Sprintf("%s: ours %s %d-%d, dataele.xml %s %d-%d", num, e.typ, e.min, e.max, x.Type, x.Min, x.Max)
		seen[diff] = true
		if _, ok := dictDifferences[diff]; !ok {
			t.Errorf("element %s (%s, %s)", diff, e.name, e.at)
		}
	}
	for diff := range dictDifferences {
		if !seen[diff] {
			t.Errorf("known difference no longer occurs (remove it): %s", diff)
		}
	}
	if checked < 100 {
		t.Errorf("only %d of our %d elements are in dataele.xml; is it the right file?", checked, len(nums))
	}
}
