package account

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/aimsproject/aims"
)

// The login throttle.
//
// Every password or second-factor check first reserves an attempt in the database, and only a reserved
// attempt is evaluated: the check and the count are one atomic step (see AttemptStore.ReserveAttempts), so
// a burst of parallel guesses evaluates at most the limit, and replicas over one database share the
// counts. A wrong answer keeps its reservation (it is the failure that counts); a right one, or one the
// server was too busy to evaluate, gives it back.
//
// A login reserves against three counters within LoginWindow:
//   - the account from this client address (MaxAccountAddressFailures, 5): what a guesser meets;
//   - the client address at any account (MaxAddressFailures, 30): one address guessing many accounts;
//   - the account from all addresses (MaxAccountFailures, 50): a ceiling on distributed guessing.
//
// So wrong passwords lock an account only for the address they came from: a stranger who knows an email
// cannot lock its owner out, who logs in from elsewhere. Only someone who controls more addresses than
// MaxAccountFailures / MaxAccountAddressFailures (ten) can reach the ceiling, and then for one window.
// IPv6 addresses count by their /64 prefix, which one client usually holds whole.
//
// Second-factor codes and password re-checks (a logged-in user confirming their password) come from a
// session, which only someone who knows the password (or holds the session) has: they count per account,
// MaxCodeFailures each.

// AttemptLimit is one counter of the throttle: Key names what is counted (an account, an address, both),
// Max how many attempts it allows within a window.
type AttemptLimit struct {
	Key string
	Max int
}

// AttemptStore keeps the throttle's counters. It is part of Store.
type AttemptStore interface {
	// ReserveAttempts counts one attempt against every limit at once, unless one of them has Max attempts
	// in its current window already: then it changes nothing and returns that limit's index and when its
	// window ends. Otherwise it returns -1. A key's window starts at its first attempt after the previous
	// window ended and lasts window. The check and the count are one transaction, so that parallel callers
	// cannot pass the check together.
	ReserveAttempts(ctx context.Context, limits []AttemptLimit, now time.Time, window time.Duration) (refused int, until time.Time, err error)
	// ReleaseAttempts takes one attempt back from each key of release (the attempt was not a failure) and
	// forgets every attempt of each key of clear.
	ReleaseAttempts(ctx context.Context, release, clear []string) error
}

// Throttle keys. Account keys use the email's hash, so that the table holds no email addresses.
func accountKey(email string) string { return "acct:" + HashSecret(email) }
func addressKey(addr string) string  { return "addr:" + clientNetwork(addr) }
func accountAddressKey(email, addr string) string {
	return "acct-addr:" + HashSecret(email+"\x00"+clientNetwork(addr))
}
func codeKey(userID string) string    { return "totp:" + userID }
func recheckKey(userID string) string { return "recheck:" + userID }

// clientNetwork returns the part of a client address that the throttle counts: an IPv4 address whole, an
// IPv6 address's /64 prefix (one household or server usually holds a whole /64), anything else as it is.
func clientNetwork(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}

// reserve reserves one attempt against each of limits, answering ETOOMANY (on field, with a Retry-After)
// with the message of the limit that refused it.
func (s *Service) reserve(ctx context.Context, field string, limits []AttemptLimit, messages []string) error {
	now := s.now()
	refused, until, err := s.store.ReserveAttempts(ctx, limits, now, s.LoginWindow)
	if err != nil {
		return fmt.Errorf("cannot reserve a login attempt: %w", err)
	}
	if refused < 0 {
		return nil
	}
	wait := max(until.Sub(now), time.Second)
	minutes := int((wait + time.Minute - 1) / time.Minute)
	unit := "minutes"
	if minutes == 1 {
		unit = "minute"
	}
	return &aims.Error{Code: aims.ETOOMANY, Field: field, RetryAfter: wait,
		Message: fmt.Sprintf("%s; try again in %d %s.", messages[refused], minutes, unit)}
}

// release gives back reservations, even when ctx has ended (the client went away): a reservation that
// was not a failure must not count as one.
func (s *Service) release(ctx context.Context, release, clear []string) error {
	if err := s.store.ReleaseAttempts(context.WithoutCancel(ctx), release, clear); err != nil {
		return fmt.Errorf("cannot release a login attempt: %w", err)
	}
	return nil
}

// checkReserved checks password against encoded after the caller has reserved an attempt under keys. A
// check the server was too busy to run gives the reservation back and returns its ETOOMANY.
func (s *Service) checkReserved(ctx context.Context, encoded, password, field string, keys []string) (bool, error) {
	if encoded == "" {
		encoded = dummyHash
	}
	ok, err := s.Passwords.Check(ctx, encoded, password, field)
	if err != nil {
		if rerr := s.release(ctx, keys, nil); rerr != nil {
			return false, rerr
		}
		return false, err
	}
	return ok, nil
}

// recheckPassword confirms a logged-in user's password before a sensitive change. Wrong answers count per
// account (MaxCodeFailures) and against the account's ceiling, so that a stolen session cannot be used to
// guess the password; they do not lock the user's logins.
func (s *Service) recheckPassword(ctx context.Context, u *User, password, field string) error {
	keys := []string{recheckKey(u.ID), accountKey(u.Email)}
	if err := s.reserve(ctx, field, []AttemptLimit{{keys[0], s.MaxCodeFailures}, {keys[1], s.MaxAccountFailures}},
		[]string{"Too many wrong passwords", "Too many wrong passwords for this account"}); err != nil {
		return err
	}
	ok, err := s.checkReserved(ctx, u.PasswordHash, password, field, keys)
	if err != nil {
		return err
	}
	if !ok || u.PasswordHash == "" {
		if field == "current_password" {
			return aims.FieldError(field, "The current password is not right.")
		}
		return aims.FieldError(field, "The password is not right.")
	}
	return s.release(ctx, keys[1:], keys[:1])
}
