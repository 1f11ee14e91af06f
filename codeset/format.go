package codeset

import "strings"

// formatRule says in words what a well-formed code of each kind looks like;
// it ends every BadFormat message.
var formatRule = map[Kind]string{
	ICD10CM:  "want a letter, a digit, a letter or digit, then up to 4 letters or digits (a dot may follow the third character)",
	ICD10PCS: "want 7 letters or digits (no I or O)",
	HCPCS:    "want a letter A-V and 4 digits",
	CPT:      "want 5 digits, or 4 digits and F, T, U or M",
	Modifier: "want 2 letters or digits",
	POS:      "want 2 digits",
	Revenue:  "want 4 digits",
	CARC:     "want 1 to 3 letters or digits",
	RARC:     "want a letter, then 1 to 4 letters or digits",
	PTP:      "want a HCPCS or CPT code",
	MUE:      "want a HCPCS or CPT code",
}

// Normalize returns code in its canonical form for kind (surrounding space
// removed, upper case, an ICD-10-CM dot after the third character removed)
// and whether that form is well formed. It allocates only when the code was
// not already canonical.
func Normalize(kind Kind, code string) (string, bool) {
	if !canonical(kind, code) {
		var buf [16]byte
		code = string(appendCanonical(buf[:0], kind, code))
	}
	return code, wellFormed(kind, code)
}

// canonical reports whether code is already in its canonical form.
func canonical(kind Kind, code string) bool {
	if code == "" {
		return true
	}
	if code[0] == ' ' || code[len(code)-1] == ' ' || code[0] == '\t' || code[len(code)-1] == '\t' {
		return false
	}
	if kind == ICD10CM && len(code) > 3 && code[3] == '.' {
		return false
	}
	for i := 0; i < len(code); i++ {
		if 'a' <= code[i] && code[i] <= 'z' {
			return false
		}
	}
	return true
}

// appendCanonical appends the canonical form of code to b.
func appendCanonical(b []byte, kind Kind, code string) []byte {
	code = strings.TrimSpace(code)
	for i := 0; i < len(code); i++ {
		c := code[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if kind == ICD10CM && i == 3 && c == '.' {
			continue
		}
		b = append(b, c)
	}
	return b
}

// wellFormed reports whether the canonical code c has kind's format.
func wellFormed(kind Kind, c string) bool {
	switch kind {
	case ICD10CM:
		return len(c) >= 3 && len(c) <= 7 && isUpper(c[0]) && isDigit(c[1]) && allAlnum(c[2:])
	case ICD10PCS:
		// The order file lists headers of 3 to 6 characters; a code is 7.
		if len(c) < 3 || len(c) > 7 || !allAlnum(c) {
			return false
		}
		return !strings.ContainsAny(c, "IO")
	case HCPCS:
		return isHCPCS(c)
	case CPT:
		return isCPT(c)
	case Modifier:
		return len(c) == 2 && allAlnum(c)
	case POS:
		return len(c) == 2 && allDigits(c)
	case Revenue:
		return len(c) == 4 && allDigits(c)
	case CARC:
		return len(c) >= 1 && len(c) <= 3 && allAlnum(c)
	case RARC:
		return len(c) >= 2 && len(c) <= 5 && isUpper(c[0]) && allAlnum(c)
	case PTP, MUE:
		return isHCPCS(c) || isCPT(c)
	}
	return false
}

// isHCPCS reports whether c is a HCPCS Level II code: A-V and 4 digits.
func isHCPCS(c string) bool {
	return len(c) == 5 && 'A' <= c[0] && c[0] <= 'V' && allDigits(c[1:])
}

// isCPT reports whether c has a CPT form: 5 digits (Category I), or 4
// digits and F (Category II), T (Category III), U (proprietary laboratory
// analyses) or M (multianalyte assays with algorithmic analyses).
func isCPT(c string) bool {
	if len(c) != 5 || !allDigits(c[:4]) {
		return false
	}
	switch c[4] {
	case 'F', 'T', 'U', 'M':
		return true
	}
	return isDigit(c[4])
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func allAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && !isUpper(s[i]) {
			return false
		}
	}
	return true
}

// Display returns the canonical code c as a coder writes it: ICD-10-CM
// with its dot ("E11.9"), everything else as is.
func Display(kind Kind, c string) string {
	if kind == ICD10CM && len(c) > 3 {
		return c[:3] + "." + c[3:]
	}
	return c
}
