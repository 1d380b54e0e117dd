package account_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=3,p=2\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$`)

func TestHashIsSaltedArgon2idInPHCFormat(t *testing.T) {
	t.Parallel()
	h1 := passwordHash()
	m := phcPattern.FindStringSubmatch(h1)
	if m == nil {
		t.Fatalf("Hash = %q, want $argon2id$v=19$m=65536,t=3,p=2$salt$key", h1)
	}
	salt, err := base64.RawStdEncoding.DecodeString(m[1])
	if err != nil || len(salt) != 16 {
		t.Fatalf("salt %q: %d bytes, %v; want 16 bytes of unpadded base64", m[1], len(salt), err)
	}
	key, err := base64.RawStdEncoding.DecodeString(m[2])
	if err != nil || len(key) != 32 {
		t.Fatalf("key %q: %d bytes, %v; want 32 bytes of unpadded base64", m[2], len(key), err)
	}
	h := patientHasher()
	h2, err := h.Hash(context.Background(), password)
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if strings.Contains(h1, password) {
		t.Fatal("the hash contains the password")
	}
	if ok, err := h.Check(context.Background(), h2, password, "password"); !ok || err != nil {
		t.Fatal("a second hash of the password does not check")
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	h := patientHasher()
	good := passwordHash()             // the production parameters
	cheap := cheapHash(password)       // the smallest parameters, for the cases that must reach argon2 cheaply
	parts := strings.Split(cheap, "$") // "", argon2id, v=19, m=...,t=...,p=..., salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for _, tc := range []struct {
		name     string
		encoded  string
		password string
		want     bool
	}{
		{"the right password", good, password, true},
		{"a wrong password", good, "correct horse battery stapler", false},
		{"the right password against a hash of other parameters, read from the hash", cheap, password, true},
		{"the password in another case", cheap, strings.ToUpper(password), false},
		{"an empty password", cheap, "", false},
		{"an empty hash", "", password, false},
		{"an empty hash and password", "", "", false},
		{"garbage", "not a hash at all", password, false},
		{"too few fields", "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA", password, false},
		{"too many fields", cheap + "$x", password, false},
		{"argon2i instead of argon2id", with(1, "argon2i"), password, false},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", password, false},
		{"another argon2 version", with(2, "v=16"), password, false},
		{"a malformed version", with(2, "version=19"), password, false},
		{"malformed parameters", with(3, "m=x,t=1,p=1"), password, false},
		{"zero memory", with(3, "m=0,t=1,p=1"), password, false},
		{"absurd memory (a denial of service)", with(3, "m=4294967295,t=1,p=1"), password, false},
		{"zero iterations", with(3, "m=8,t=0,p=1"), password, false},
		{"absurd iterations", with(3, "m=8,t=1000,p=1"), password, false},
		{"zero threads", with(3, "m=8,t=1,p=0"), password, false},
		{"other parameters than the hash was made with", with(3, "m=8,t=2,p=1"), password, false},
		{"a salt that is not base64", with(4, "!!!"), password, false},
		{"a key that is not base64", with(5, "!!!"), password, false},
		{"an empty key", with(5, ""), password, false},
		{"a key too long", with(5, base64.RawStdEncoding.EncodeToString(make([]byte, 200))), password, false},
		{"another salt", with(4, base64.RawStdEncoding.EncodeToString([]byte("fedcba9876543210"))), password, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got, err := h.Check(context.Background(), tc.encoded, tc.password, "password"); got != tc.want || err != nil {
				t.Fatalf("Check(%q, %q) = %v, %v; want %v", tc.encoded, tc.password, got, err, tc.want)
			}
		})
	}
}

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		password string
		ok       bool
	}{
		{"empty", "", false},
		{"eleven characters", "abcdefghijk", false},
		{"twelve characters", "abcdefghijkl", true},
		{"twelve multi-byte characters count as twelve", strings.Repeat("é", 12), true},
		{"eleven multi-byte characters are too few even in 22 bytes", strings.Repeat("é", 11), false},
		{"1024 bytes", strings.Repeat("a", 1024), true},
		{"1025 bytes", strings.Repeat("a", 1025), false},
		{"spaces count", "            ", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := account.ValidatePassword(tc.password, "new_password")
			if tc.ok && err != nil {
				t.Fatalf("ValidatePassword = %v, want nil", err)
			}
			if !tc.ok && (aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "new_password") {
				t.Fatalf("ValidatePassword = %v, want EINVALID on new_password", err)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string // want "" means refused
	}{
		{"ada@example.com", "ada@example.com"},
		{"  Ada@Example.COM \n", "ada@example.com"},
		{"ada+aims@example.co.uk", "ada+aims@example.co.uk"},
		{"", ""},
		{"ada", ""},
		{"ada@", ""},
		{"@example.com", ""},
		{"Ada <ada@example.com>", ""},
		{"ada@example.com, bob@example.com", ""},
		{"ada @example.com", ""},
		{"ada@example.com\r\nBcc: eve@example.com", ""},
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 60) + ".com", ""},
	} {
		t.Run(fmt.Sprintf("%q", tc.in), func(t *testing.T) {
			t.Parallel()
			got, err := account.NormalizeEmail(tc.in, "email")
			if tc.want == "" {
				if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "email" || got != "" {
					t.Fatalf("NormalizeEmail(%q) = %q, %v; want EINVALID on email", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestValidateSlug(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		slug string
		ok   bool
	}{
		{"acme", true},
		{"a", true},
		{"0", true},
		{"lumen-labs-2", true},
		{strings.Repeat("a", 63), true},
		{strings.Repeat("a", 64), false},
		{"", false},
		{"-acme", false},
		{"Acme", false},
		{"acme_labs", false},
		{"acme labs", false},
		{"acme.com", false},
		{"acme\n", false},
		{"ácme", false},
		{"../acme", false},
	} {
		t.Run(fmt.Sprintf("%q", tc.slug), func(t *testing.T) {
			t.Parallel()
			err := account.ValidateSlug(tc.slug, "slug")
			if tc.ok != (err == nil) {
				t.Fatalf("ValidateSlug(%q) = %v, want ok=%v", tc.slug, err, tc.ok)
			}
			if err != nil && (aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "slug") {
				t.Fatalf("ValidateSlug(%q) = %v, want EINVALID on slug", tc.slug, err)
			}
		})
	}
}

func TestParseExpiry(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, true},
		{"never", 0, true},
		{"1h", time.Hour, true},
		{"12h", 12 * time.Hour, true},
		{"90d", 90 * day, true},
		{"4w", 28 * day, true},
		{"3650d", 3650 * day, true},
		{"521w", 521 * 7 * day, true},
		{"3651d", 0, false},
		{"522w", 0, false},
		{"87601h", 0, false},
		{"0d", 0, false},
		{"-1d", 0, false},
		{"+1d", 1 * day, true}, // strconv.Atoi accepts an explicit plus sign
		{"d", 0, false},
		{"1", 0, false},
		{"1m", 0, false},
		{"1y", 0, false},
		{"1D", 0, false},
		{"1.5d", 0, false},
		{" 1d", 0, false},
		{"Never", 0, false},
		{"99999999999999999999d", 0, false},
	} {
		t.Run(fmt.Sprintf("%q", tc.in), func(t *testing.T) {
			t.Parallel()
			got, err := account.ParseExpiry(tc.in, "expires_in")
			if tc.ok {
				if err != nil || got != tc.want {
					t.Fatalf("ParseExpiry(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
				}
				return
			}
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "expires_in" {
				t.Fatalf("ParseExpiry(%q) = %v, %v; want EINVALID on expires_in", tc.in, got, err)
			}
		})
	}
}

func TestSecretsAreRecognisedBeforeTheyReachTheDatabase(t *testing.T) {
	t.Parallel()
	valid := strings.Repeat("a", 26) + strings.Repeat("7", 26)
	for _, tc := range []struct {
		name           string
		s              string
		token, session bool
	}{
		{"a session secret", valid, false, true},
		{"a token secret", account.TokenPrefix + valid, true, false},
		{"empty", "", false, false},
		{"the prefix alone", account.TokenPrefix, false, false},
		{"one character short", account.TokenPrefix + valid[1:], false, false},
		{"upper case", account.TokenPrefix + strings.ToUpper(valid), false, false},
		{"a character outside base32", account.TokenPrefix + valid[1:] + "1", false, false},
		{"another prefix", "aimz_" + valid, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, ok := account.ParseTokenSecret(tc.s); ok != tc.token {
				t.Errorf("ParseTokenSecret(%q) ok = %v, want %v", tc.s, ok, tc.token)
			}
			if _, ok := account.ParseSessionSecret(tc.s); ok != tc.session {
				t.Errorf("ParseSessionSecret(%q) ok = %v, want %v", tc.s, ok, tc.session)
			}
		})
	}
	if account.HashSecret("x") == account.HashSecret("y") || len(account.HashSecret("x")) != 64 {
		t.Fatal("HashSecret is not a hex SHA-256")
	}
}
