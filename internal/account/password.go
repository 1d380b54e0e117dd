package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/aimsproject/aims"
)

// Argon2id parameters (RFC 9106's second recommended option, with less memory for small servers).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// MinPasswordLength is the shortest password aims accepts.
const MinPasswordLength = 12

// DefaultHashWait is how long a password hash or check waits for a free slot before it is refused.
const DefaultHashWait = 3 * time.Second

// dummyHash is checked instead of a real hash when the account is unknown or has no password, so that a
// login takes as long, and as much memory, whether or not the email exists. It was made with the
// production parameters from a password nobody uses.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$YCdXf0HfrGcSK6up8/hfQA$NJa/YICRgoRs+5lKgZfelRbwedPRImZZOtf2i4sme74"

// HasherOptions tune NewHasher. The zero value gives the production settings.
type HasherOptions struct {
	// Concurrency bounds how many hashes and checks run at once; 0 means DefaultHashConcurrency().
	Concurrency int
	// Wait is how long a hash or check waits for a free slot before it is refused with ETOOMANY; 0 means
	// DefaultHashWait.
	Wait time.Duration
	// OnEvaluate, when set, is called once for every hash or check that gets a slot, before it runs and
	// while it holds the slot (tests count password evaluations with it). Refused calls do not reach it.
	OnEvaluate func()
}

// Hasher hashes and checks passwords with argon2id. Each evaluation holds argonMemory (64 MiB) while it
// runs, so a Hasher runs at most a fixed number at once: without a bound, a burst of logins would take
// that much memory per request (100 parallel logins took 6.4 GB). Every path that hashes or checks a
// password (login, password changes and re-checks, user creation at the command line) goes through the
// account service's one Hasher. A Hasher is safe for concurrent use.
type Hasher struct {
	slots      chan struct{}
	wait       time.Duration
	onEvaluate func()
}

// DefaultHashConcurrency is as many evaluations as the CPUs can run at once: each uses argonThreads
// threads, so more would only queue inside the runtime while holding their memory.
func DefaultHashConcurrency() int {
	return max(1, runtime.GOMAXPROCS(0)/argonThreads)
}

// NewHasher returns a Hasher with o's settings.
func NewHasher(o HasherOptions) *Hasher {
	n := o.Concurrency
	if n <= 0 {
		n = DefaultHashConcurrency()
	}
	wait := o.Wait
	if wait <= 0 {
		wait = DefaultHashWait
	}
	return &Hasher{slots: make(chan struct{}, n), wait: wait, onEvaluate: o.OnEvaluate}
}

// errBusy answers a password evaluation that found no free slot in time. It is ETOOMANY with a
// Retry-After, and it is not a wrong password: callers take back the attempt they reserved for it.
func errBusy(field string) error {
	return &aims.Error{Code: aims.ETOOMANY, Field: field, RetryAfter: 2 * time.Second,
		Message: "The server is busy checking other passwords; try again in a few seconds."}
}

// acquire takes a slot, waiting up to h.wait; the returned function gives it back. It answers ETOOMANY
// when no slot frees up in time, and ctx's error when ctx ends first.
func (h *Hasher) acquire(ctx context.Context, field string) (func(), error) {
	select {
	case h.slots <- struct{}{}:
	default:
		t := time.NewTimer(h.wait)
		defer t.Stop()
		select {
		case h.slots <- struct{}{}:
		case <-t.C:
			return nil, errBusy(field)
		case <-ctx.Done():
			return nil, fmt.Errorf("cannot wait to check a password: %w", ctx.Err())
		}
	}
	if h.onEvaluate != nil {
		h.onEvaluate()
	}
	return func() { <-h.slots }, nil
}

// Hash returns an encoded argon2id hash of password in the PHC string format. It answers ETOOMANY (on
// the field "password") when the server is too busy hashing other passwords.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("cannot read salt: %w", err)
	}
	release, err := h.acquire(ctx, "password")
	if err != nil {
		return "", err
	}
	defer release()
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Check reports whether password matches the encoded hash; a malformed or empty hash never matches. Only
// a hash that parses is evaluated, and so takes a slot. It answers ETOOMANY (on field) when the server
// is too busy checking other passwords, and then it has not checked this one.
func (h *Hasher) Check(ctx context.Context, encoded, password, field string) (bool, error) {
	p, ok := parseHash(encoded)
	if !ok {
		return false, nil
	}
	release, err := h.acquire(ctx, field)
	if err != nil {
		return false, err
	}
	defer release()
	got := argon2.IDKey([]byte(password), p.salt, p.iters, p.mem, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(got, p.key) == 1, nil
}

// argonHash is a parsed PHC string.
type argonHash struct {
	mem, iters uint32
	threads    uint8
	salt, key  []byte
}

// parseHash parses an encoded argon2id hash, refusing parameters that would cost more than aims ever
// writes (up to 1 GiB of memory).
func parseHash(encoded string) (argonHash, bool) {
	var p argonHash
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.mem, &p.iters, &p.threads); err != nil {
		return p, false
	}
	if p.mem == 0 || p.mem > 1<<20 || p.iters == 0 || p.iters > 16 || p.threads == 0 {
		return p, false
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return p, false
	}
	p.key, err = base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(p.key) == 0 || len(p.key) > 128 {
		return p, false
	}
	return p, true
}

// ValidatePassword returns an EINVALID error on field when password is too weak to accept.
func ValidatePassword(password, field string) error {
	switch {
	case len([]rune(password)) < MinPasswordLength:
		return aims.FieldError(field, "The password must be at least %d characters long.", MinPasswordLength)
	case len(password) > 1024:
		return aims.FieldError(field, "The password must be at most 1024 bytes long.")
	}
	return nil
}
