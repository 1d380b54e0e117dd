package store

import (
	"testing"
	"time"
)

func TestTextTimeReadsWhatTheDriverStoresAndRefusesTheRest(t *testing.T) {
	want := time.Date(2026, 12, 6, 7, 8, 9, 123456789, time.UTC)
	for _, v := range []any{
		want.Format(sqliteTimeLayout),         // what aims writes on SQLite
		[]byte(want.Format(sqliteTimeLayout)), // the same as bytes
		want.Format(time.RFC3339Nano),         // a hand edit or an older layout
		want,                                  // PostgreSQL: the driver parsed it
	} {
		var got time.Time
		if err := (textTime{&got}).Scan(v); err != nil || !got.Equal(want) {
			t.Errorf("Scan(%v) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []any{"yesterday", "", nil, int64(5)} {
		var got time.Time
		if err := (textTime{&got}).Scan(v); err == nil {
			t.Errorf("Scan(%#v) = %v, want an error", v, got)
		}
	}
}
