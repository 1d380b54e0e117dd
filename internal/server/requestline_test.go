package server

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"
)

// The request line written by hand is byte for byte the line slog's JSON handler writes for the same record.
func TestJSONRequestLineIsWhatSlogWrites(t *testing.T) {
	at := time.Date(2026, 12, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))
	for _, c := range []struct {
		method, route string
		dur           time.Duration
	}{
		{"GET", "GET /api/v1/organization", 1878 * time.Microsecond},
		{"PROPFIND", "unmatched", 0},
		{"GET", "GET /a/{id}", 90 * time.Minute},
		{"X\"\\\n\r\t\x01\x1f\x7f", "é ☃ \u2028\u2029 \xff\xfe <&>", 999 * time.Nanosecond},
		{"", "", 1},
		{allBytes(), allBytes(), time.Second},
	} {
		var hand, want bytes.Buffer
		writeJSONLine(&hand, &requestLine{time: at, id: "0123456789abcdef", method: c.method, route: c.route, status: 200, bytes: 183, duration: c.dur})
		rec := slog.NewRecord(at, slog.LevelInfo, "request", 0)
		rec.AddAttrs(slog.String("request_id", "0123456789abcdef"), slog.String("method", c.method), slog.String("route", c.route),
			slog.Int("status", 200), slog.Int64("bytes", 183), slog.Float64("duration_ms", float64(c.dur.Microseconds())/1000))
		if err := slog.NewJSONHandler(&want, nil).Handle(context.Background(), rec); err != nil {
			t.Fatal(err)
		}
		if hand.String() != want.String() {
			t.Errorf("method %q route %q:\n got %s\nwant %s", c.method, c.route, hand.String(), want.String())
		}
	}
}

func allBytes() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}
