// Package aims holds the domain vocabulary shared by every part of aims: identifiers, roles, the
// authorization policy, the acting principal carried in a request's context, and coded errors. It imports
// no transport or storage package.
package aims

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"sync"
	"time"
)

// Version is the release of this build; cmd/aims may override it with -ldflags.
var Version = "0.1.0-dev"

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a new 26-character identifier that sorts by creation (48 bits of milliseconds followed by
// 80 random bits, in lower-case Crockford base32), so that ordering by id is ordering by creation. Within
// one millisecond the random part is incremented, as in ULID's monotonic mode, so that ids made in one
// process also sort in the order they were made.
func NewID() string {
	idMu.Lock()
	defer idMu.Unlock()
	ms := uint64(time.Now().UnixMilli())
	var b [16]byte
	if ms <= idLast.ms {
		ms = idLast.ms
		b = idLast.b
		for i := 15; i >= 6; i-- { // increment the 80-bit random part
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	} else {
		binary.BigEndian.PutUint64(b[:8], ms<<16)
		if _, err := rand.Read(b[6:]); err != nil {
			panic("aims: cannot read random bytes: " + err.Error())
		}
		b[6] &= 0x7f // leave room to increment without overflowing into the time
	}
	idLast.ms, idLast.b = ms, b
	return idEncoding.EncodeToString(b[:])
}

// The id generator's state: the one piece of package-level mutable state, guarded like crypto/rand's own,
// because ids must be unique and ordered across every caller in the process.
var (
	idMu   sync.Mutex
	idLast struct {
		ms uint64
		b  [16]byte
	}
)

// ValidID reports whether s has the shape of an identifier made by NewID. Handlers use it to answer
// malformed ids with 404 before touching the store.
func ValidID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefghjkmnpqrstvwxyz", c) {
			return false
		}
	}
	return true
}

// Clock returns the current time. Services take one so that tests can control time.
type Clock func() time.Time

// Now is the Clock of production: the wall clock in UTC, truncated to microseconds so that the value read
// back from either database is exactly the value written.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// ActorKind says what kind of principal acts.
type ActorKind string

const (
	ActorUser   ActorKind = "user"   // a person, through the web UI or the API with a session
	ActorToken  ActorKind = "token"  // a machine, through the API with a bearer token
	ActorSystem ActorKind = "system" // aims itself or an operator at the command line
)

// Actor is who performs a request: the principal, the organization it acts in, and its role there.
type Actor struct {
	Kind    ActorKind
	ID      string // user id, token id, or a name for the system
	Name    string // a display name recorded in the activity trail (never a secret)
	UserID  string // the person behind the actor; for a token, its creator
	OrgID   string
	OrgSlug string
	Role    Role
}

type actorKey struct{}

// WithActor returns a context that carries a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, or a system actor when there is none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Kind: ActorSystem, ID: "system", Name: "aims"}
}

// Transactor runs a unit of work in one transaction. A service calls it to read, check its rules and
// write, across concepts if need be, all or nothing: every store method called with the context fn is
// given joins the transaction. fn must use that context. A store implements it once for every concept.
type Transactor interface {
	Atomically(ctx context.Context, fn func(ctx context.Context) error) error
}

// DefaultPageLimit and MaxPageLimit bound a page of every list: a Page with no Limit gets
// DefaultPageLimit items, and no page holds more than MaxPageLimit (the API refuses a larger limit).
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// Page asks for one page of a list: up to Limit items after Cursor (opaque, from a previous page).
type Page struct {
	Cursor string
	Limit  int
}
