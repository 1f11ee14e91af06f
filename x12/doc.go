// Package x12 reads and writes ASC X12 5010 interchanges, the files of
// HIPAA electronic data interchange (837 claims, 835 remittances, 999
// acknowledgments and the rest).
//
// Reader splits input into segments with the delimiters each ISA declares,
// streaming with bounded memory and without allocating per segment.
// Checker follows the ISA/IEA, GS/GE and ST/SE envelopes as segments go by
// and reports every control number and count that does not match, and
// SetReader hands out one transaction set at a time. Writer produces
// segments and envelopes. ParseAmount, ParseDate and their kin convert
// element values without floating point.
//
// The package knows the envelope, not the implementation guides: loops,
// segment order and code values are checked elsewhere (x12/spec, x12/validate).
//
// A minimal loop over a file's segments:
//
//	r := x12.NewReader(f)
//	var env x12.Checker
//	for {
//		seg, err := r.Next()
//		if err == io.EOF {
//			break
//		}
//		if err != nil {
//			return err // *x12.ParseError or an I/O error
//		}
//		env.Check(seg)
//		if seg.ID == "CLP" {
//			fmt.Printf("claim %s paid %s\n", seg.Element(1), seg.Element(4))
//		}
//	}
//	env.End()
//	for _, e := range env.Errors() {
//		fmt.Println(e) // segment 16 (SE): element 1: segment count 15 does not match 14 segments counted
//	}
package x12
