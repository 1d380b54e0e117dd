package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
)

// burstResult counts the answers to a burst of logins.
type burstResult struct {
	unauthorized, throttled, busy, other atomic.Int64
}

// loginBurst sends n parallel wrong logins to f's /login, the i-th as email(i) from addr(i) (addr ""
// means the connection's own address), and counts the answers. Every 429 must carry a Retry-After.
// answered, when set, is called after each answer is counted.
func loginBurst(t testing.TB, f *apptest.Fixture, n int, email, addr func(i int) string, answered func(*burstResult)) *burstResult {
	t.Helper()
	res := &burstResult{}
	hc := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxConnsPerHost: n, MaxIdleConnsPerHost: n}}
	defer hc.CloseIdleConnections()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if answered != nil {
				defer answered(res)
			}
			form := url.Values{"email": {email(i)}, "password": {"not the password"}}
			req, err := http.NewRequest(http.MethodPost, f.Srv.URL+"/login", strings.NewReader(form.Encode()))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if a := addr(i); a != "" {
				req.Header.Set("X-Forwarded-For", a)
			}
			<-start
			r, err := hc.Do(req)
			if err != nil {
				res.other.Add(1)
				t.Errorf("login %d: %v", i, err)
				return
			}
			body, _ := io.ReadAll(r.Body)
			r.Body.Close()
			switch {
			case r.StatusCode == http.StatusUnauthorized:
				res.unauthorized.Add(1)
			case r.StatusCode == http.StatusTooManyRequests && r.Header.Get("Retry-After") == "":
				t.Errorf("login %d: 429 without a Retry-After", i)
			case r.StatusCode == http.StatusTooManyRequests && bytes.Contains(body, []byte("Too many failed logins")):
				res.throttled.Add(1)
			case r.StatusCode == http.StatusTooManyRequests && bytes.Contains(body, []byte("try again in a few seconds")):
				res.busy.Add(1)
			default:
				res.other.Add(1)
				t.Errorf("login %d: status %d: %.300s", i, r.StatusCode, body)
			}
		}()
	}
	close(start)
	wg.Wait()
	return res
}

// A burst of 100 parallel logins from one address evaluates no more passwords than the throttle allows.
func TestLoginBurstEvaluatesAtMostTheLimit(t *testing.T) {
	t.Parallel()
	const burst = 100
	one := func(int) string { return "" }
	for _, tc := range []struct {
		name  string
		hash  account.HasherOptions
		email func(i int) string
		addr  func(i int) string
		check func(t *testing.T, s *account.Service, r *burstResult, evaluated int64)
	}{
		{"one account from one address: the account-and-address limit", account.HasherOptions{Wait: time.Minute},
			func(int) string { return "ada@example.com" }, one,
			func(t *testing.T, s *account.Service, r *burstResult, evaluated int64) {
				want := int64(s.MaxAccountAddressFailures)
				if evaluated != want || r.unauthorized.Load() != want || r.throttled.Load() != burst-want {
					t.Fatalf("evaluated %d, %d wrong, %d throttled; want %d, %d, %d", evaluated, r.unauthorized.Load(), r.throttled.Load(), want, want, burst-want)
				}
			}},
		{"many accounts from one address: the address limit", account.HasherOptions{Wait: time.Minute},
			func(i int) string { return fmt.Sprintf("guess%d@example.com", i) }, one,
			func(t *testing.T, s *account.Service, r *burstResult, evaluated int64) {
				want := int64(s.MaxAddressFailures)
				if evaluated != want || r.unauthorized.Load() != want || r.throttled.Load() != burst-want {
					t.Fatalf("evaluated %d, %d wrong, %d throttled; want %d, %d, %d", evaluated, r.unauthorized.Load(), r.throttled.Load(), want, want, burst-want)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var evaluated atomic.Int64
			opts := tc.hash
			opts.OnEvaluate = func() { evaluated.Add(1) }
			f := apptest.NewWith(t, apptest.Options{TrustProxy: true,
				Accounts: func(s *account.Service) {
					s.Passwords = account.NewHasher(opts)
					s.MaxAddressFailures = 10 // of 30: each evaluation costs a tenth of a second or more
				}})
			f.User(t, "ada@example.com", f.Org(t, "acme"), aims.RoleViewer)
			evaluated.Store(0) // creating the user hashed its password
			r := loginBurst(t, f, burst, tc.email, tc.addr, nil)
			tc.check(t, f.Accounts, r, evaluated.Load())
		})
	}
}

// When a burst passes the throttle (100 accounts from 100 addresses), the hasher still runs only as many
// evaluations at once as it has slots: here one, held until every other login has been answered, and
// each of those is told to try again instead of taking its 64 MiB. (Without the bound the other 99 would
// be evaluated while the first waits.)
func TestLoginBurstBeyondTheHasherIsToldToTryAgain(t *testing.T) {
	t.Parallel()
	const burst = 100
	var evaluated atomic.Int64
	var first atomic.Bool
	var last sync.Once
	unblock := make(chan struct{})
	f := apptest.NewWith(t, apptest.Options{TrustProxy: true, Accounts: func(s *account.Service) {
		s.Passwords = account.NewHasher(account.HasherOptions{Concurrency: 1, Wait: 50 * time.Millisecond,
			OnEvaluate: func() {
				evaluated.Add(1)
				if first.CompareAndSwap(false, true) {
					<-unblock // not a sync.Once, which would hold up the others too
				}
			}})
	}})
	r := loginBurst(t, f, burst, func(i int) string { return fmt.Sprintf("guess%d@example.com", i) },
		func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) },
		func(r *burstResult) {
			if r.unauthorized.Load()+r.throttled.Load()+r.busy.Load()+r.other.Load() == burst-1 {
				last.Do(func() { close(unblock) })
			}
		})
	if evaluated.Load() != 1 || r.unauthorized.Load() != 1 || r.busy.Load() != burst-1 || r.throttled.Load() != 0 {
		t.Fatalf("evaluated %d, %d wrong, %d busy, %d throttled; want 1, 1, %d, 0",
			evaluated.Load(), r.unauthorized.Load(), r.busy.Load(), r.throttled.Load(), burst-1)
	}
}

// BenchmarkLoginBurst sends bursts of 100 parallel wrong logins through a real HTTP server with the
// production hasher and limits, and reports the process's peak resident memory (VmHWM, reset before the
// first burst where the kernel allows) in MB, and the passwords evaluated per burst. "one address" is the
// attack of the report (the throttle bounds it); "100 addresses" passes the throttle, so only the hasher's
// bound keeps memory in check. Run it alone for a clean figure:
//
//	go test -run '^$' -bench LoginBurst -benchtime 3x ./internal/web
func BenchmarkLoginBurst(b *testing.B) {
	for _, tc := range []struct {
		name string
		addr func(burst, i int) string
	}{
		{"one address", func(burst, _ int) string { return fmt.Sprintf("10.1.%d.%d", burst/250, burst%250+1) }},
		{"100 addresses", func(burst, i int) string { return fmt.Sprintf("10.2.%d.%d", burst%250, i+1) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var evaluated atomic.Int64
			f := apptest.NewWith(b, apptest.Options{TrustProxy: true, Accounts: func(s *account.Service) {
				s.Passwords = account.NewHasher(account.HasherOptions{OnEvaluate: func() { evaluated.Add(1) }})
			}})
			resetPeakRSS()
			before := procStatusKB(b, "VmRSS")
			b.ResetTimer()
			n := 0
			for b.Loop() {
				burst := n
				loginBurst(b, f, 100, func(i int) string { return fmt.Sprintf("b%d-%d@example.com", burst, i) },
					func(i int) string { return tc.addr(burst, i) }, nil)
				n++
			}
			b.StopTimer()
			b.ReportMetric(float64(procStatusKB(b, "VmHWM"))/1024, "peak-RSS-MB")
			b.ReportMetric(float64(before)/1024, "start-RSS-MB")
			b.ReportMetric(float64(evaluated.Load())/float64(n), "evaluated/burst")
		})
	}
}

// resetPeakRSS asks the kernel to restart the process's VmHWM from its current RSS (Linux 4.0 and later);
// where it cannot, VmHWM is the peak since the process started.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// procStatusKB returns a kB field of /proc/self/status.
func procStatusKB(b *testing.B, field string) int64 {
	b.Helper()
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		b.Fatalf("cannot read the process's memory figures: %v", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if ok && name == field {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			if err != nil {
				b.Fatalf("%s: %v", sc.Text(), err)
			}
			return kb
		}
	}
	b.Fatalf("no %s in /proc/self/status", field)
	return 0
}
