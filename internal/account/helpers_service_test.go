package account_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/argon2"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

// password is the password of every test user who can log in.
const password = "correct horse battery staple"

// passwordHash is password's hash with the production parameters, made once: hashing costs about a tenth of
// a second.
var passwordHash = sync.OnceValue(func() string {
	h, err := patientHasher().Hash(context.Background(), password)
	if err != nil {
		panic(err)
	}
	return h
})

// patientHasher returns a Hasher with the production parameters that waits a minute for a slot, so that
// parallel tests on a busy machine are not refused.
func patientHasher() *account.Hasher {
	return account.NewHasher(account.HasherOptions{Wait: time.Minute})
}

// cheapHash returns an argon2id hash of pw in the PHC format with the smallest parameters. Hasher.Check
// takes the parameters from the hash, so test users log in with it in microseconds; the production
// parameters are tested by TestHashPasswordIsSaltedArgon2idInPHCFormat.
func cheapHash(pw string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(pw), salt, 1, 8, 1, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=8,t=1,p=1$%s$%s", argon2.Version,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// clock is a controllable aims.Clock shared by the service and the store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is an account service over a fresh store, both on one controllable clock.
type env struct {
	db    *store.DB
	svc   *account.Service
	clock *clock
	// sys acts as the system (an operator at the command line).
	sys context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := &clock{now: time.Date(2031, 3, 4, 9, 0, 0, 0, time.UTC)}
	o := storetest.Options(t)
	o.Clock = c.Now
	db := storetest.OpenWith(t, o)
	svc := account.NewService(db, c.Now)
	svc.Passwords = patientHasher()
	return &env{db: db, svc: svc, clock: c, sys: context.Background()}
}

func (e *env) org(t *testing.T, slug string) *account.Organization {
	t.Helper()
	o, err := e.svc.CreateOrganization(e.sys, slug, "Organization "+slug)
	if err != nil {
		t.Fatalf("cannot create organization %s: %v", slug, err)
	}
	return o
}

// user creates a user who can log in with password (stored as a cheap hash).
func (e *env) user(t *testing.T, email, name string) *account.User {
	t.Helper()
	u, err := e.svc.CreateUser(e.sys, email, name, "")
	if err != nil {
		t.Fatalf("cannot create user %s: %v", email, err)
	}
	u.PasswordHash = cheapHash(password)
	if err := e.db.UpdateUser(e.sys, u); err != nil {
		t.Fatalf("cannot set the password of %s: %v", email, err)
	}
	return u
}

// member makes u a member of o with role, acting as the system.
func (e *env) member(t *testing.T, o *account.Organization, u *account.User, role aims.Role) *account.Membership {
	t.Helper()
	m, err := e.svc.AddMember(e.sys, o.ID, u.Email, role)
	if err != nil {
		t.Fatalf("cannot add %s to %s as %s: %v", u.Email, o.Slug, role, err)
	}
	return m
}

// as returns a context acting as u in o, with u's current role there.
func (e *env) as(t *testing.T, u *account.User, o *account.Organization) context.Context {
	t.Helper()
	m, err := e.db.MembershipOf(e.sys, o.ID, u.ID)
	if err != nil {
		t.Fatalf("%s is not a member of %s: %v", u.Email, o.Slug, err)
	}
	return aims.WithActor(e.sys, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID,
		OrgID: o.ID, OrgSlug: o.Slug, Role: m.Role})
}

// login logs u in and fails the test if it does not work.
func (e *env) login(t *testing.T, email string) (string, *account.Session) {
	t.Helper()
	secret, sess, err := e.svc.Login(e.sys, email, password, "192.0.2.1", "")
	if err != nil {
		t.Fatalf("cannot log in %s: %v", email, err)
	}
	return secret, sess
}

// activity returns o's whole trail, oldest first, after checking that its chain verifies.
func (e *env) activity(t *testing.T, o *account.Organization) []*activity.Entry {
	t.Helper()
	var out []*activity.Entry
	if err := e.db.EachActivity(e.sys, o.ID, func(en *activity.Entry) error {
		out = append(out, en)
		return nil
	}); err != nil {
		t.Fatalf("cannot read the activity of %s: %v", o.Slug, err)
	}
	if _, err := e.db.VerifyActivity(e.sys, o.ID); err != nil {
		t.Fatalf("the activity of %s does not verify: %v", o.Slug, err)
	}
	return out
}

// lastActivity returns o's newest entry.
func (e *env) lastActivity(t *testing.T, o *account.Organization) *activity.Entry {
	t.Helper()
	all := e.activity(t, o)
	if len(all) == 0 {
		t.Fatalf("%s has no activity", o.Slug)
	}
	return all[len(all)-1]
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if aims.ErrorCode(err) != code {
		t.Fatalf("got error %v, want code %q", err, code)
	}
}

// currentCode returns the TOTP code for secret now. totp.Validate checks against the wall clock, not the
// service's clock, so codes are made at time.Now.
func currentCode(t *testing.T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// nextCode returns the code of the next 30-second step, which is accepted too (one step of clock skew). A
// login uses it after EnableTOTP used the current one, since each code works once.
func nextCode(t *testing.T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// wrongCode returns a well-formed code that totp.Validate refuses for secret now.
func wrongCode(t *testing.T, secret string) string {
	t.Helper()
	code := currentCode(t, secret)
	for i := 0; i < 10; i++ {
		b := []byte(code)
		b[0] = '0' + (b[0]-'0'+1+byte(i))%10
		if c := string(b); !totp.Validate(c, secret) {
			return c
		}
	}
	t.Fatal("cannot find a wrong code")
	return ""
}

// enableTOTP gives u a second factor and returns its secret.
func (e *env) enableTOTP(t *testing.T, u *account.User) string {
	t.Helper()
	setup, err := e.svc.BeginTOTP(u)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.EnableTOTP(e.sys, u.ID, setup.Secret, currentCode(t, setup.Secret)); err != nil {
		t.Fatalf("cannot enable TOTP for %s: %v", u.Email, err)
	}
	return setup.Secret
}

// entryJSON returns an entry's before and after as one string, to search for what must not be there.
func entryJSON(t *testing.T, en *activity.Entry) string {
	t.Helper()
	b, err := json.Marshal(en)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + string(en.Before) + string(en.After)
}

// assertNoSecrets fails the test if any of secrets occurs in any entry of entries.
func assertNoSecrets(t *testing.T, entries []*activity.Entry, secrets ...string) {
	t.Helper()
	for _, en := range entries {
		s := entryJSON(t, en)
		for _, secret := range secrets {
			if secret != "" && strings.Contains(s, secret) {
				t.Fatalf("activity entry %d (%s %s) contains a secret %q: %s", en.Seq, en.Action, en.RecordType, secret, s)
			}
		}
	}
}
