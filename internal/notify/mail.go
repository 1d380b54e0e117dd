package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// Mailer sends e-mail through one SMTP server: smtp://user:pass@host:port uses STARTTLS when the server
// offers it (and requires it with ?starttls=required), smtps:// connects over TLS from the start. It is
// Go's net/smtp with timeouts: the protocol is small, and the standard library speaks it.
type Mailer struct {
	Host, Port string
	User, Pass string
	From       string
	// ImplicitTLS connects with TLS (smtps); RequireTLS refuses a server without STARTTLS.
	ImplicitTLS, RequireTLS bool
	// TLS, when set, is used for the TLS handshake (tests trust their own certificate with it).
	TLS *tls.Config
	// Timeout bounds one message, from connecting to the end of the data.
	Timeout time.Duration
}

// ParseSMTPURL reads the --smtp-url setting: smtp[s]://[user[:pass]@]host[:port][?from=ADDR&starttls=required].
// from defaults to aims@HOST.
func ParseSMTPURL(raw string) (*Mailer, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("the SMTP URL must look like smtp://user:password@host:587 or smtps://host:465")
	}
	m := &Mailer{Host: u.Hostname(), Port: u.Port(), ImplicitTLS: u.Scheme == "smtps", Timeout: 30 * time.Second}
	if m.Port == "" {
		m.Port = "587"
		if m.ImplicitTLS {
			m.Port = "465"
		}
	}
	if u.User != nil {
		m.User = u.User.Username()
		m.Pass, _ = u.User.Password()
	}
	q := u.Query()
	m.From = q.Get("from")
	if m.From == "" {
		m.From = "aims@" + m.Host
	}
	if _, err := mail.ParseAddress(m.From); err != nil {
		return nil, fmt.Errorf("the SMTP URL's from address %q is not an e-mail address", m.From)
	}
	switch q.Get("starttls") {
	case "", "auto":
	case "required":
		m.RequireTLS = true
	default:
		return nil, errors.New("the SMTP URL's starttls is auto or required")
	}
	return m, nil
}

// Message is one plain-text e-mail.
type Message struct {
	To, ToName, Subject, Text string
}

// Send delivers msg, or returns why the server did not take it.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(m.Host, m.Port)
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot reach the SMTP server %s: %w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	tlsConf := m.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: m.Host}
	}
	if m.ImplicitTLS {
		conn = tls.Client(conn, tlsConf)
	}
	c, err := smtp.NewClient(conn, m.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("the SMTP server %s: %w", addr, err)
	}
	defer c.Close()
	if !m.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConf); err != nil {
				return fmt.Errorf("STARTTLS with %s: %w", addr, err)
			}
		} else if m.RequireTLS {
			return fmt.Errorf("the SMTP server %s does not offer STARTTLS", addr)
		}
	}
	if m.User != "" {
		if err := c.Auth(smtp.PlainAuth("", m.User, m.Pass, m.Host)); err != nil {
			return fmt.Errorf("the SMTP server %s refused the login: %w", addr, err)
		}
	}
	if err := c.Mail(m.From); err != nil {
		return fmt.Errorf("the SMTP server refused the sender: %w", err)
	}
	if err := c.Rcpt(msg.To); err != nil {
		return fmt.Errorf("the SMTP server refused the recipient: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("the SMTP server refused the message: %w", err)
	}
	if _, err := w.Write(m.compose(msg)); err != nil {
		return fmt.Errorf("cannot send the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("the SMTP server refused the message: %w", err)
	}
	return c.Quit()
}

// compose writes msg as a MIME message with CRLF line ends.
func (m *Mailer) compose(msg Message) []byte {
	to := (&mail.Address{Name: msg.ToName, Address: msg.To}).String()
	from := (&mail.Address{Name: "aims", Address: m.From}).String()
	var b strings.Builder
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from)
	header("To", to)
	header("Subject", mime.QEncoding.Encode("utf-8", msg.Subject))
	header("Date", time.Now().UTC().Format(time.RFC1123Z))
	header("Message-ID", "<"+aims.NewID()+"@"+m.Host+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	text := strings.ReplaceAll(strings.ReplaceAll(msg.Text, "\r\n", "\n"), "\n", "\r\n")
	b.WriteString(text)
	return []byte(b.String())
}
