package notify_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/job"
	"github.com/aimsproject/aims/internal/notify"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

// mailbox is a real SMTP server, in process, that keeps what it is sent; refuse makes it refuse recipients.
type mailbox struct {
	addr string
	mu   sync.Mutex
	msgs []mail
	// refuse, when set, makes the server answer RCPT with a permanent-looking refusal.
	refuse bool
}

type mail struct {
	from, to, data string
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	m := &mailbox{}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{box: m}, nil }))
	s.Domain, s.AllowInsecureAuth = "mail.test", true
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return m
}

func (m *mailbox) messages() []mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mail(nil), m.msgs...)
}

type session struct {
	box      *mailbox
	from, to string
	authed   bool
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != "aims" || password != "secret" {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return errors.New("log in first")
	}
	s.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	if s.box.refuse {
		return &smtp.SMTPError{Code: 450, Message: "mailbox busy, try later"}
	}
	s.to = to
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	s.box.msgs = append(s.box.msgs, mail{from: s.from, to: s.to, data: string(b)})
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

// receiver is a webhook endpoint that keeps each request; fail makes it answer 500 that many times.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []delivered
	fail int
}

type delivered struct {
	header http.Header
	body   []byte
}

func startReceiver(t *testing.T) *receiver { return startBenchReceiver(t) }

func startBenchReceiver(t testing.TB) *receiver {
	t.Helper()
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.fail > 0 {
			r.fail--
			http.Error(w, "temporarily down", http.StatusInternalServerError)
			return
		}
		r.got = append(r.got, delivered{header: req.Header.Clone(), body: b})
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) received() []delivered {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivered(nil), r.got...)
}

// env is aims's services over a fresh store with e-mail through mailbox, and a worker built as app.New
// builds it.
type env struct {
	db     *store.DB
	sv     *app.Services
	worker *job.Worker
	sender *notify.Sender
	box    *mailbox
	org    *account.Organization
	clock  *clock
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{clock: &clock{now: time.Now().UTC().Truncate(time.Microsecond)}}
	if tt, ok := t.(*testing.T); ok {
		e.box = startMailbox(tt)
	}
	o := storetest.Options(t)
	o.Clock = e.clock.Now
	e.db = storetest.OpenWith(t, o)
	var mailer *notify.Mailer
	if e.box != nil {
		var err error
		if mailer, err = notify.ParseSMTPURL("smtp://aims:secret@" + e.box.addr + "?from=aims@lumen.example"); err != nil {
			t.Fatal(err)
		}
		mailer.Timeout = 5 * time.Second
	}
	sv, err := app.NewServices(e.db, app.ServiceOptions{Catalog: storetest.Catalog(t), Mail: mailer, PublicURL: "https://aims.lumen.example",
		Self: []string{"127.0.0.1:8080", "aims.lumen.example:443"}})
	if err != nil {
		t.Fatal(err)
	}
	e.sv = sv
	e.sender = &notify.Sender{Store: e.db, Mail: mailer, PublicURL: "https://aims.lumen.example", Now: e.clock.Now}
	e.worker = job.New(e.db, e.sender.Handlers(), nil)
	e.worker.Now = e.clock.Now
	if e.org, err = sv.Accounts.CreateOrganization(context.Background(), "lumen", "Lumen Labs"); err != nil {
		t.Fatal(err)
	}
	return e
}

// member adds a member with role and returns a context acting as them.
func (e *env) member(t testing.TB, email string, role aims.Role) (context.Context, *account.User) {
	t.Helper()
	name := strings.Split(email, "@")[0]
	u, err := e.sv.Accounts.CreateUser(context.Background(), email, strings.ToUpper(name[:1])+name[1:], "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Accounts.AddMember(context.Background(), e.org.ID, email, role); err != nil {
		t.Fatal(err)
	}
	return aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: e.org.ID,
		OrgSlug: e.org.Slug, Role: role}), u
}
