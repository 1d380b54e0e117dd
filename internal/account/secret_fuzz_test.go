package account_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// FuzzParseTokenSecret checks that only "aims_" and 52 lower-case base32 characters pass, and that what
// passes is returned unchanged and is never also a session secret.
func FuzzParseTokenSecret(f *testing.F) {
	valid := strings.Repeat("a", 26) + strings.Repeat("7", 26)
	for _, s := range []string{"", account.TokenPrefix, account.TokenPrefix + valid, valid, account.TokenPrefix + valid + "a",
		account.TokenPrefix + strings.ToUpper(valid), "AIMS_" + valid, account.TokenPrefix + valid[:51] + "1", account.TokenPrefix + valid[:51] + "é"} {
		f.Add(s)
	}
	shape := regexp.MustCompile(`^aims_[a-z2-7]{52}$`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := account.ParseTokenSecret(s)
		if ok != shape.MatchString(s) {
			t.Fatalf("ParseTokenSecret(%q) ok = %v, want %v", s, ok, !ok)
		}
		if ok && got != s || !ok && got != "" {
			t.Fatalf("ParseTokenSecret(%q) = %q, %v", s, got, ok)
		}
		if _, session := account.ParseSessionSecret(s); ok && session {
			t.Fatalf("%q is both a token and a session secret", s)
		}
		if h := account.HashSecret(s); len(h) != 64 {
			t.Fatalf("HashSecret(%q) = %q", s, h)
		}
	})
}

// FuzzParseSessionSecret checks that only 52 lower-case base32 characters pass, unchanged.
func FuzzParseSessionSecret(f *testing.F) {
	valid := strings.Repeat("b", 52)
	for _, s := range []string{"", valid, valid + "b", valid[1:], strings.ToUpper(valid), valid[:51] + "0", valid[:51] + "8", valid[:51] + "\x00",
		account.TokenPrefix + valid} {
		f.Add(s)
	}
	shape := regexp.MustCompile(`^[a-z2-7]{52}$`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := account.ParseSessionSecret(s)
		if ok != shape.MatchString(s) || ok && got != s || !ok && got != "" {
			t.Fatalf("ParseSessionSecret(%q) = %q, %v", s, got, ok)
		}
	})
}

// argonCost matches the cost parameters of an encoded argon2id hash, so that the fuzzer can skip hashes
// that would ask for gigabytes of memory (Hasher.Check allows up to 1 GiB, for hashes aims wrote itself).
var argonCost = regexp.MustCompile(`m=(\d+),t=(\d+),p=(\d+)`)

// FuzzCheck checks that garbage hashes never panic and never match, and that a real hash matches
// its password and nothing else.
func FuzzCheck(f *testing.F) {
	const password = "correct horse battery staple"
	h := patientHasher()
	real, err := h.Hash(context.Background(), password)
	if err != nil {
		f.Fatal(err)
	}
	cheap := "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$" // a cheap, well-formed prefix for the fuzzer to vary
	for _, s := range []string{"", "$", "$$$$$", real, real + "$", strings.Replace(real, "argon2id", "argon2i", 1),
		strings.Replace(real, "v=19", "v=18", 1), strings.Replace(real, "m=65536", "m=0", 1), strings.Replace(real, "p=2", "p=0", 1),
		strings.Replace(real, "p=2", "p=256", 1), strings.Replace(real, "t=3", "t=17", 1), strings.Replace(real, "m=65536", "m=-1", 1),
		cheap + "AAAA", cheap, cheap + "!!!!", cheap + strings.Repeat("A", 200), "$argon2id$v=19$m=8,t=1,p=1$$AAAA",
		"$argon2id$v=19$m=8,t=1,p=1,x=2$c2FsdA$AAAA", "$argon2id$v=19$m=8,t=1$c2FsdA$AAAA"} {
		f.Add(s, password)
	}
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		if m := argonCost.FindStringSubmatch(encoded); m != nil {
			mem, _ := strconv.ParseUint(m[1], 10, 64)
			iters, _ := strconv.ParseUint(m[2], 10, 64)
			if mem > 64*1024 || iters > 4 {
				t.Skip("too costly to check in a fuzz run")
			}
		}
		ok, err := h.Check(context.Background(), encoded, pw, "password")
		if err != nil {
			t.Fatalf("Check(%q, %q): %v", encoded, pw, err)
		}
		switch {
		case encoded == real:
			if ok != (pw == password) {
				t.Fatalf("Check(real hash, %q) = %v", pw, ok)
			}
		case ok && pw != password:
			// Only the seeded hash (and spellings of it the parser also takes) was made from a password.
			t.Fatalf("Check(%q, %q) matched a hash that was not made from that password", encoded, pw)
		}
	})
}

// FuzzParseExpiry checks that a lifetime is either refused with EINVALID on the field, or is 0 for never
// and otherwise a whole number of hours from one hour to ten years: no input overflows into a short or
// negative (never expiring) lifetime.
func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"", "never", "1h", "90d", "4w", "3650d", "521w", "87600h", "87601h", "0h", "-1h", "+1h", "h", "1",
		"9223372036854775807h", "2562048h", "5124096h", "15250284452w", "99999999999999999999d", "1x", "١h", "never "} {
		f.Add(s)
	}
	const tenYears = 3650 * 24 * time.Hour
	f.Fuzz(func(t *testing.T, s string) {
		d, err := account.ParseExpiry(s, "expires_in")
		if err != nil {
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "expires_in" || d != 0 {
				t.Fatalf("ParseExpiry(%q) = %v, %v; want EINVALID on expires_in", s, d, err)
			}
			return
		}
		never := s == "" || s == "never"
		if never != (d == 0) || d < 0 || d > tenYears || d%time.Hour != 0 {
			t.Fatalf("ParseExpiry(%q) = %v", s, d)
		}
	})
}
