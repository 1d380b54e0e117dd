package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// TokenPrefix starts every API token secret, so that secret scanners can recognise one.
const TokenPrefix = "aims_"

// newSecret returns 32 random bytes as lower-case base32 (52 characters).
func newSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("account: cannot read random bytes: " + err.Error())
	}
	return strings.ToLower(secretEncoding.EncodeToString(b))
}

// HashSecret returns the hex SHA-256 of a session or token secret: the only form that is stored. The
// secrets carry 256 random bits, so a fast hash is enough.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// ParseTokenSecret reports whether s has the form of an API token secret ("aims_" and 52 base32
// characters) and returns it. Anything else is refused before it reaches the database.
func ParseTokenSecret(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, TokenPrefix)
	if !ok || !validSecret(rest) {
		return "", false
	}
	return s, true
}

// ParseSessionSecret reports whether s has the form of a session cookie value.
func ParseSessionSecret(s string) (string, bool) {
	if !validSecret(s) {
		return "", false
	}
	return s, true
}

func validSecret(s string) bool {
	if len(s) != 52 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
