package testpayer

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/x12"
)

//go:embed payers.json
var defaultConfig []byte

// Config is the test payer's configuration file: the clearinghouse identity
// its files carry and the payers it plays. All of it is synthetic.
type Config struct {
	// Clearinghouse is the information source of the 277CAs and the
	// prefix of the answers' file names: the test payer answers as one
	// clearinghouse for all its payers, as a practice's mailbox does. The
	// answers' envelopes mirror the requests' (ISA08 back as ISA06).
	Clearinghouse Party `json:"clearinghouse"`
	// Seed drives the payer's few random choices (underpayments); the
	// same input and seed give the same output, byte for byte.
	Seed   uint64        `json:"seed"`
	Payers []PayerConfig `json:"payers"`
}

// Party is a name and an identifier.
type Party struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// PayerConfig is one payer: who it covers, what it pays and how.
type PayerConfig struct {
	ID      string  `json:"id"`     // the payer ID claims carry in 2010BB NM109
	Name    string  `json:"name"`   //
	TaxID   string  `json:"tax_id"` // nine digits; TRN03 of its 835s is "1" and this
	Address Address `json:"address"`
	// BillingNPIs are the billing providers enrolled with the payer; a
	// claim from any other is rejected on its 277CA.
	BillingNPIs []string `json:"billing_npis"`
	Members     []Member `json:"members"`
	// AuthRequired are the procedure codes the payer wants a prior
	// authorization for.
	AuthRequired []string `json:"auth_required,omitempty"`
	// Authorizations are the authorizations on file; 278 requests the
	// payer certifies are added to them.
	Authorizations []Authorization `json:"authorizations,omitempty"`
	FeeSchedule    []Fee           `json:"fee_schedule"`
	// Coverage is the payer's medical-necessity table: a service it lists
	// is paid only with one of the diagnoses listed for it.
	Coverage []CoverageRule `json:"coverage,omitempty"`
	// Bundles are the procedure pairs the payer does not pay together on
	// one day (NCCI procedure-to-procedure edits).
	Bundles          []Bundle `json:"bundles,omitempty"`
	TimelyFilingDays int      `json:"timely_filing_days"`
	DaysToPay        int      `json:"days_to_pay"`
	// PromptPayDays and InterestRate (percent a year, in hundredths: 1200
	// is 12%) make the payer owe interest (PLB L6) on a claim it pays later
	// than PromptPayDays after receipt. Zero PromptPayDays means never.
	PromptPayDays int   `json:"prompt_pay_days,omitempty"`
	InterestRate  int64 `json:"interest_rate_bp,omitempty"`
	// UnderpaymentRate is the percent of claims (0 to 100) on which the
	// payer pays one line below its own fee schedule, by
	// UnderpaymentPercent (at most 50; default 10).
	UnderpaymentRate    int `json:"underpayment_rate,omitempty"`
	UnderpaymentPercent int `json:"underpayment_percent,omitempty"`
	// CorrectionDays, when above zero, makes the payer find its own
	// underpayments: a claim it underpaid is reversed (CLP02 22) and paid
	// again at the fee schedule CorrectionDays after it was paid.
	CorrectionDays int `json:"correction_days,omitempty"`
}

// Address is a street address.
type Address struct {
	Line1 string `json:"line1"`
	City  string `json:"city"`
	State string `json:"state"`
	Zip   string `json:"zip"`
}

// Member is one covered person on a payer's roster, with the plan's cost
// sharing and where the member stands in it.
type Member struct {
	ID        string         `json:"id"`
	Last      string         `json:"last"`
	First     string         `json:"first"`
	BirthDate claimgate.Date `json:"birth_date"`
	Sex       string         `json:"sex,omitempty"` // F, M, U
	Plan      string         `json:"plan"`
	Group     string         `json:"group,omitempty"`
	// CoverageFrom and CoverageTo bound the coverage; a zero CoverageTo
	// means open-ended.
	CoverageFrom        claimgate.Date `json:"coverage_from"`
	CoverageTo          claimgate.Date `json:"coverage_to,omitzero"`
	Deductible          Money          `json:"deductible"`
	DeductibleRemaining Money          `json:"deductible_remaining"`
	// Copay is charged once per claim, on its first paid line.
	Copay Money `json:"copay"`
	// Coinsurance is the member's share after the deductible, in percent.
	Coinsurance int64 `json:"coinsurance_pct"`
	// OOPMax caps the member's cost sharing for the year; zero means the
	// plan has no out-of-pocket maximum (Medicare Part B). The payer
	// counts down OOPRemaining and DeductibleRemaining as it adjudicates
	// (there is no reset at the turn of the year).
	OOPMax       Money `json:"oop_max"`
	OOPRemaining Money `json:"oop_remaining"`
	// OtherPayerPrimary says another payer is primary: claims billed to
	// this payer as primary are denied CO-22.
	OtherPayerPrimary bool   `json:"other_payer_primary,omitempty"`
	OtherPayerName    string `json:"other_payer_name,omitempty"`
}

// Authorization is a prior authorization on file: a member, a service and
// the days it covers.
type Authorization struct {
	Member string         `json:"member"`
	Code   string         `json:"code"`
	Number string         `json:"number"`
	From   claimgate.Date `json:"from"`
	To     claimgate.Date `json:"to"`
}

// Fee is the allowed amount of a procedure code, per unit; with Modifier
// set it applies only to lines that carry that modifier (such as 26 or TC).
// Institutional lines without a procedure code are priced by revenue code,
// written "REV" and the code (REV0450).
type Fee struct {
	Code     string `json:"code"`
	Modifier string `json:"modifier,omitempty"`
	Allowed  Money  `json:"allowed"`
}

// CoverageRule lists the diagnoses (ICD-10-CM without the dot; a code
// ending in "*" matches every code it starts) that support a service.
type CoverageRule struct {
	Code      string   `json:"code"`
	Diagnoses []string `json:"diagnoses"`
	// Remark is the RARC sent with the CO-50 denial; default N115 (a
	// local coverage determination).
	Remark string `json:"remark,omitempty"`
}

// Bundle is a procedure-to-procedure pair: Column2 is not paid on a day
// Column1 is billed for the same member. With ModifierAllowed, a distinct
// service modifier (59, XE, XP, XS, XU) on the Column2 line unbundles it and
// its absence denies the line CO-236; without, the line is always denied
// CO-97 as included in Column1.
type Bundle struct {
	Column1         string `json:"column1"`
	Column2         string `json:"column2"`
	ModifierAllowed bool   `json:"modifier_allowed,omitempty"`
}

// Money is an amount in cents that reads as a decimal string ("72.50")
// in the configuration file and writes as X12 writes amounts ("72.5").
type Money int64

// MarshalText writes m as X12 writes amounts.
func (m Money) MarshalText() ([]byte, error) { return []byte(x12.FormatAmount(int64(m))), nil }

// UnmarshalText reads an amount such as "72.50", exactly.
func (m *Money) UnmarshalText(b []byte) error {
	v, err := x12.ParseAmount(string(b))
	if err != nil {
		return fmt.Errorf("amount %q: want dollars with at most two decimals", b)
	}
	*m = Money(v)
	return nil
}

// DefaultConfig returns the built-in configuration the demo uses: three
// synthetic payers whose IDs match the demo practice's (ACME1, MCRB1,
// MCD01).
func DefaultConfig() *Config {
	c, err := LoadConfig(bytes.NewReader(defaultConfig))
	if err != nil {
		panic("testpayer: built-in payers.json: " + err.Error())
	}
	return c
}

// LoadConfig reads a configuration file (JSON) and checks it.
func LoadConfig(r io.Reader) (*Config, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("read payer config: %w", err)
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Check reports the first thing in c that the payer cannot work with.
func (c *Config) Check() error {
	if c.Clearinghouse.ID == "" || c.Clearinghouse.Name == "" {
		return fmt.Errorf("payer config: clearinghouse id and name are required")
	}
	if len(c.Payers) == 0 {
		return fmt.Errorf("payer config: no payers")
	}
	seen := map[string]bool{}
	for i, p := range c.Payers {
		where := fmt.Sprintf("payer config: payer %d (%s)", i+1, p.ID)
		switch {
		case p.ID == "" || p.Name == "":
			return fmt.Errorf("%s: id and name are required", where)
		case seen[p.ID]:
			return fmt.Errorf("%s: payer id listed twice", where)
		case len(p.TaxID) != 9 || strings.Trim(p.TaxID, "0123456789") != "":
			return fmt.Errorf("%s: tax_id must be nine digits", where)
		case p.Address.Line1 == "" || p.Address.City == "" || p.Address.State == "" || p.Address.Zip == "":
			return fmt.Errorf("%s: address needs line1, city, state and zip", where)
		case p.TimelyFilingDays <= 0 || p.DaysToPay < 0 || p.CorrectionDays < 0:
			return fmt.Errorf("%s: timely_filing_days must be positive, days_to_pay and correction_days not negative", where)
		case p.UnderpaymentRate < 0 || p.UnderpaymentRate > 100:
			return fmt.Errorf("%s: underpayment_rate must be 0 to 100", where)
		case p.UnderpaymentPercent < 0 || p.UnderpaymentPercent > 50:
			// An underpayment is a shortfall, not a denial by CO-45 (whose
			// usage forbids an amount equal to the charge).
			return fmt.Errorf("%s: underpayment_percent must be 0 to 50", where)
		}
		seen[p.ID] = true
		for _, npi := range p.BillingNPIs {
			if !claimgate.ValidNPI(npi) {
				return fmt.Errorf("%s: billing NPI %s fails its check digit", where, npi)
			}
		}
		ids := map[string]bool{}
		for _, m := range p.Members {
			switch {
			case m.ID == "" || m.Last == "" || m.BirthDate.IsZero() || m.CoverageFrom.IsZero():
				return fmt.Errorf("%s: member %q needs id, last name, birth date and coverage_from", where, m.ID)
			case ids[m.ID]:
				return fmt.Errorf("%s: member %s listed twice", where, m.ID)
			case m.Coinsurance < 0 || m.Coinsurance > 100:
				return fmt.Errorf("%s: member %s: coinsurance_pct must be 0 to 100", where, m.ID)
			case !m.CoverageTo.IsZero() && m.CoverageTo.Before(m.CoverageFrom):
				return fmt.Errorf("%s: member %s: coverage ends before it starts", where, m.ID)
			}
			ids[m.ID] = true
		}
		for _, a := range p.Authorizations {
			if !ids[a.Member] || a.Code == "" || a.Number == "" || a.To.Before(a.From) {
				return fmt.Errorf("%s: authorization %q: needs a member on the roster, a code, a number and a date range", where, a.Number)
			}
		}
		for _, f := range p.FeeSchedule {
			if f.Code == "" || f.Allowed <= 0 {
				return fmt.Errorf("%s: fee for %q: code and a positive allowed amount are required", where, f.Code)
			}
		}
		for _, b := range p.Bundles {
			if b.Column1 == "" || b.Column2 == "" || b.Column1 == b.Column2 {
				return fmt.Errorf("%s: bundle %s/%s: two different codes are required", where, b.Column1, b.Column2)
			}
		}
	}
	return nil
}

// payer returns the configuration of the payer with the given ID.
func (c *Config) payer(id string) *PayerConfig {
	i := slices.IndexFunc(c.Payers, func(p PayerConfig) bool { return p.ID == id })
	if i < 0 {
		return nil
	}
	return &c.Payers[i]
}

// DefaultConfigJSON returns the built-in configuration file, to start a
// configuration of one's own from.
func DefaultConfigJSON() []byte { return bytes.Clone(defaultConfig) }
