package codeset

import (
	"time"

	"github.com/claimgate/claimgate"
)

// day is a date as a count of days since 1970-01-01, so that the index
// compares dates with one integer comparison instead of building a
// time.Time per lookup.
type day int32

const (
	minDay day = -1 << 31  // a zero From: since always
	maxDay day = 1<<31 - 1 // a zero To: open-ended
)

// dayOf returns d as a day (Howard Hinnant's days_from_civil).
func dayOf(d claimgate.Date) day {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return day(era*146097 + doe - 719468)
}

// fromDay returns the day a zero-able From date stands for.
func fromDay(d claimgate.Date) day {
	if d.IsZero() {
		return minDay
	}
	return dayOf(d)
}

// toDay returns the day a zero-able To date stands for.
func toDay(d claimgate.Date) day {
	if d.IsZero() {
		return maxDay
	}
	return dayOf(d)
}

// dateOf is the inverse of dayOf.
func dateOf(n day) claimgate.Date {
	return claimgate.DateOf(time.Unix(int64(n)*86400, 0).UTC())
}

// FiscalYear returns the first and last day of the US federal fiscal year
// fy, which ICD-10-CM and ICD-10-PCS follow: FY2022 runs from 2021-10-01 to
// 2022-09-30.
func FiscalYear(fy int) (from, to claimgate.Date) {
	return claimgate.Date{Year: fy - 1, Month: time.October, Day: 1},
		claimgate.Date{Year: fy, Month: time.September, Day: 30}
}
