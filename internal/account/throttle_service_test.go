package account_test

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// wantRefused fails the test unless err is the throttle's ETOOMANY with a Retry-After within the window.
func wantRefused(t *testing.T, e *env, err error) {
	t.Helper()
	wantCode(t, err, aims.ETOOMANY)
	if ra := aims.ErrorRetryAfter(err); ra <= 0 || ra > e.svc.LoginWindow {
		t.Fatalf("Retry-After = %v, want within the login window (%v)", ra, e.svc.LoginWindow)
	}
}

func TestLoginThrottlesAnAccountFromAnAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.svc.MaxAccountAddressFailures = 3
	ada := e.user(t, "ada@example.com", "Ada")
	bob := e.user(t, "bob@example.com", "Bob")
	const stranger = "203.0.113.66"

	for range 3 {
		_, _, err := e.svc.Login(e.sys, ada.Email, "wrong password!", stranger, "")
		wantCode(t, err, aims.EUNAUTHORIZED)
	}
	t.Run("refuses even the right password from that address", func(t *testing.T) {
		_, _, err := e.svc.Login(e.sys, ada.Email, password, stranger, "")
		wantRefused(t, e, err)
	})
	t.Run("counts the account under any spelling of its email", func(t *testing.T) {
		_, _, err := e.svc.Login(e.sys, " ADA@example.COM", password, stranger, "")
		wantRefused(t, e, err)
	})
	t.Run("a stranger cannot lock out the owner, who logs in from elsewhere", func(t *testing.T) {
		if _, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.10", ""); err != nil {
			t.Fatalf("the owner's login from another address = %v", err)
		}
	})
	t.Run("leaves other accounts alone from that address", func(t *testing.T) {
		if _, _, err := e.svc.Login(e.sys, bob.Email, password, stranger, ""); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("lets the address in again once the window has passed", func(t *testing.T) {
		e.clock.Advance(e.svc.LoginWindow - time.Second)
		_, _, err := e.svc.Login(e.sys, ada.Email, password, stranger, "")
		wantRefused(t, e, err)
		e.clock.Advance(2 * time.Second)
		if _, _, err := e.svc.Login(e.sys, ada.Email, password, stranger, ""); err != nil {
			t.Fatalf("Login after the window = %v", err)
		}
	})
	t.Run("a successful login forgets the failures from its address", func(t *testing.T) {
		for range 2 {
			_, _, err := e.svc.Login(e.sys, ada.Email, "wrong password!", "192.0.2.9", "")
			wantCode(t, err, aims.EUNAUTHORIZED)
		}
		if _, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.9", ""); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			_, _, err := e.svc.Login(e.sys, ada.Email, "wrong password!", "192.0.2.9", "")
			wantCode(t, err, aims.EUNAUTHORIZED)
		}
		if _, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.9", ""); err != nil {
			t.Fatalf("four failures around a success locked the account: %v", err)
		}
	})
	t.Run("counts an IPv6 client by its /64", func(t *testing.T) {
		for _, addr := range []string{"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"} {
			_, _, err := e.svc.Login(e.sys, bob.Email, "wrong password!", addr, "")
			wantCode(t, err, aims.EUNAUTHORIZED)
		}
		_, _, err := e.svc.Login(e.sys, bob.Email, password, "2001:db8:1:2::99", "")
		wantRefused(t, e, err)
		if _, _, err := e.svc.Login(e.sys, bob.Email, password, "2001:db8:1:3::1", ""); err != nil {
			t.Fatalf("another /64 = %v", err)
		}
	})
}

func TestLoginThrottlesAClientAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.svc.MaxAddressFailures = 3
	ada := e.user(t, "ada@example.com", "Ada")
	const attacker = "203.0.113.66"

	for _, email := range []string{"x@example.com", "y@example.com", "z@example.com"} {
		// Different accounts, so that only the address's count can stop them.
		e.user(t, email, "")
		_, _, err := e.svc.Login(e.sys, email, "wrong password!", attacker, "")
		wantCode(t, err, aims.EUNAUTHORIZED)
	}
	t.Run("refuses any account from the address", func(t *testing.T) {
		_, _, err := e.svc.Login(e.sys, ada.Email, password, attacker, "")
		wantRefused(t, e, err)
	})
	t.Run("leaves other addresses alone", func(t *testing.T) {
		if _, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.1", ""); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("lets the address in again once the window has passed", func(t *testing.T) {
		e.clock.Advance(e.svc.LoginWindow + time.Second)
		if _, _, err := e.svc.Login(e.sys, ada.Email, password, attacker, ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLoginCapsAnAccountFromAllAddresses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.svc.MaxAccountAddressFailures, e.svc.MaxAccountFailures = 2, 4
	ada := e.user(t, "ada@example.com", "Ada")

	for _, addr := range []string{"198.51.100.1", "198.51.100.1", "198.51.100.2", "198.51.100.2"} {
		_, _, err := e.svc.Login(e.sys, ada.Email, "wrong password!", addr, "")
		wantCode(t, err, aims.EUNAUTHORIZED)
	}
	t.Run("refuses the account from any address once the ceiling is reached", func(t *testing.T) {
		_, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.77", "")
		wantRefused(t, e, err)
	})
	t.Run("lets the account in again once the window has passed", func(t *testing.T) {
		e.clock.Advance(e.svc.LoginWindow + time.Second)
		if _, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.77", ""); err != nil {
			t.Fatal(err)
		}
	})
}

// A burst of parallel guesses all arrive before any has failed. Each reserves its attempt before the
// password is checked, so only as many are evaluated as the limit allows.
func TestParallelGuessesAreEvaluatedAtMostTheLimit(t *testing.T) {
	t.Parallel()
	const burst = 40
	for _, tc := range []struct {
		name  string
		limit func(s *account.Service) int
		email func(i int) string
		addr  func(i int) string
	}{
		{"one account from one address", func(s *account.Service) int { return s.MaxAccountAddressFailures },
			func(int) string { return "ada@example.com" }, func(int) string { return "203.0.113.66" }},
		{"one account from many addresses", func(s *account.Service) int { s.MaxAccountFailures = 8; return 8 },
			func(int) string { return "ada@example.com" }, func(i int) string { return "198.51.100." + strconv.Itoa(i+1) }},
		{"many accounts, most unknown, from one address", func(s *account.Service) int { s.MaxAddressFailures = 6; return 6 },
			func(i int) string { return "guess" + strconv.Itoa(i) + "@example.com" }, func(int) string { return "203.0.113.66" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			var evaluated atomic.Int64
			e.svc.Passwords = account.NewHasher(account.HasherOptions{Wait: time.Minute, OnEvaluate: func() { evaluated.Add(1) }})
			limit := tc.limit(e.svc)
			e.user(t, "ada@example.com", "Ada")
			e.user(t, "guess3@example.com", "Guess")

			var wrong, refused atomic.Int64
			var wg sync.WaitGroup
			for i := range burst {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, err := e.svc.Login(e.sys, tc.email(i), "wrong password!", tc.addr(i), "")
					switch aims.ErrorCode(err) {
					case aims.EUNAUTHORIZED:
						wrong.Add(1)
					case aims.ETOOMANY:
						refused.Add(1)
					default:
						t.Errorf("guess %d: %v", i, err)
					}
				}()
			}
			wg.Wait()
			if got := evaluated.Load(); got != int64(limit) {
				t.Fatalf("%d parallel guesses evaluated %d passwords, want the limit %d", burst, got, limit)
			}
			if wrong.Load() != int64(limit) || refused.Load() != int64(burst-limit) {
				t.Fatalf("%d wrong, %d refused; want %d and %d", wrong.Load(), refused.Load(), limit, burst-limit)
			}
		})
	}
}

// A login the server is too busy to check is not a failure: it is refused with a Retry-After and its
// reserved attempt is given back.
func TestBusyLoginGivesItsAttemptBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.svc.MaxAccountAddressFailures = 1
	entered, unblock := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	e.svc.Passwords = account.NewHasher(account.HasherOptions{Concurrency: 1, Wait: time.Millisecond, OnEvaluate: func() {
		if first.CompareAndSwap(false, true) {
			close(entered)
			<-unblock
		}
	}})
	ada := e.user(t, "ada@example.com", "Ada")
	bob := e.user(t, "bob@example.com", "Bob")

	done := make(chan error)
	go func() {
		_, _, err := e.svc.Login(e.sys, bob.Email, password, "192.0.2.2", "")
		done <- err
	}()
	<-entered // bob's check holds the only slot
	_, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.1", "")
	wantCode(t, err, aims.ETOOMANY)
	if aims.ErrorRetryAfter(err) <= 0 {
		t.Fatalf("a busy refusal has no Retry-After: %v", err)
	}
	close(unblock)
	if err := <-done; err != nil {
		t.Fatalf("bob's login = %v", err)
	}
	if _, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.1", ""); err != nil {
		t.Fatalf("after a busy refusal, with a limit of one attempt: %v (the attempt was not given back)", err)
	}
}

// A second factor is only worth its six digits if they cannot be guessed in a loop: wrong codes count
// against the account, logging in again does not reset the count, and parallel codes are capped too.
func TestCompleteTOTPIsThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.svc.MaxCodeFailures = 3
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, e.org(t, "acme"), ada, aims.RoleViewer)
	secret := e.enableTOTP(t, ada)

	pending, _ := e.login(t, ada.Email)
	for range 2 {
		_, _, err := e.svc.CompleteTOTP(e.sys, pending, wrongCode(t, secret))
		wantCode(t, err, aims.EINVALID)
	}
	// Logging in again with the right password must not wipe the failed codes.
	pending, _ = e.login(t, ada.Email)
	_, _, err := e.svc.CompleteTOTP(e.sys, pending, wrongCode(t, secret))
	wantCode(t, err, aims.EINVALID)

	t.Run("refuses even the right code once the account has failed too often", func(t *testing.T) {
		_, _, err := e.svc.CompleteTOTP(e.sys, pending, currentCode(t, secret))
		wantRefused(t, e, err)
	})
	t.Run("a new pending session is refused too", func(t *testing.T) {
		again, _ := e.login(t, ada.Email)
		_, _, err := e.svc.CompleteTOTP(e.sys, again, nextCode(t, secret))
		wantRefused(t, e, err)
	})
	t.Run("lets the account in once the window has passed, and a complete login forgets the failures", func(t *testing.T) {
		e.clock.Advance(e.svc.LoginWindow + time.Second)
		e.svc.SessionIdle = 2 * e.svc.LoginWindow // keep the pending session alive across the wait
		if _, _, err := e.svc.CompleteTOTP(e.sys, pending, nextCode(t, secret)); err != nil {
			t.Fatalf("CompleteTOTP after the window = %v", err)
		}
		if n, err := e.db.LoginAttempts(e.sys, "totp:"+ada.ID); err != nil || n != 0 {
			t.Fatalf("code attempts after a complete login = %d, %v; want 0", n, err)
		}
	})
	t.Run("parallel codes are capped at the limit", func(t *testing.T) {
		const burst = 20
		pending, _ := e.login(t, ada.Email)
		var wrong, refused atomic.Int64
		var wg sync.WaitGroup
		for range burst {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := e.svc.CompleteTOTP(e.sys, pending, "000000")
				switch aims.ErrorCode(err) {
				case aims.EINVALID:
					wrong.Add(1)
				case aims.ETOOMANY:
					refused.Add(1)
				default:
					t.Errorf("CompleteTOTP = %v", err)
				}
			}()
		}
		wg.Wait()
		if wrong.Load() != int64(e.svc.MaxCodeFailures) || refused.Load() != burst-int64(e.svc.MaxCodeFailures) {
			t.Fatalf("%d parallel codes: %d checked, %d refused; want %d checked", burst, wrong.Load(), refused.Load(), e.svc.MaxCodeFailures)
		}
	})
}

func TestPasswordRechecksAreThrottled(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		field string
		try   func(e *env, u *account.User, pw string) error
	}{
		{"ChangePassword", "current_password", func(e *env, u *account.User, pw string) error {
			return e.svc.ChangePassword(e.sys, u.ID, pw, "a brand new passphrase")
		}},
		{"DisableTOTP", "password", func(e *env, u *account.User, pw string) error {
			return e.svc.DisableTOTP(e.sys, u.ID, pw)
		}},
	} {
		t.Run(tc.name+" refuses even the right password after too many wrong ones", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			u := e.user(t, "ada@example.com", "Ada")
			for i := 0; i < e.svc.MaxCodeFailures; i++ {
				if err := tc.try(e, u, "a wrong guess at it"); aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != tc.field {
					t.Fatalf("guess %d: %v, want EINVALID on %s", i+1, err, tc.field)
				}
			}
			err := tc.try(e, u, password)
			wantRefused(t, e, err)
			if aims.ErrorField(err) != tc.field {
				t.Fatalf("refusal on field %q, want %q", aims.ErrorField(err), tc.field)
			}
			// Whoever holds a session cannot lock the owner's logins.
			if _, _, err := e.svc.Login(e.sys, u.Email, password, "192.0.2.9", ""); err != nil {
				t.Fatalf("login after the re-check guesses: %v", err)
			}
			e.clock.Advance(e.svc.LoginWindow + time.Second)
			if err := tc.try(e, u, password); err != nil {
				t.Fatalf("after the window: %v", err)
			}
		})
	}
}
