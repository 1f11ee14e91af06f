package claimgate

// ValidNPI reports whether npi is a 10-digit National Provider Identifier
// whose last digit is the Luhn check digit computed with the card issuer
// prefix 80840, as CMS specifies.
func ValidNPI(npi string) bool {
	if len(npi) != 10 {
		return false
	}
	// The prefix 80840 contributes a constant 24 to the Luhn sum.
	sum := 24
	for i := 8; i >= 0; i-- {
		c := npi[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if (8-i)%2 == 0 { // double every other digit starting with the rightmost body digit
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	check := npi[9]
	if check < '0' || check > '9' {
		return false
	}
	return (10-sum%10)%10 == int(check-'0')
}
