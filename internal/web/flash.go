package web

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// flashCookie carries a message from a form action to the page it redirects to. It lives a minute and is
// read once; it holds nothing secret, and html/template escapes it like any other text.
const flashCookie = "aims_flash"

// Flash kinds, which the stylesheet colours.
const (
	flashOK   = "ok"
	flashWarn = "warn"
)

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string
	Message string
}

// flash leaves msg for the next page the browser loads.
func (w *Web) flash(rw http.ResponseWriter, kind, msg string) {
	http.SetCookie(rw, &http.Cookie{Name: flashCookie, Value: kind + "." + base64.RawURLEncoding.EncodeToString([]byte(msg)),
		Path: "/", MaxAge: 60, HttpOnly: true, Secure: w.Auth.Secure, SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the waiting message, if any, and removes it so that it is shown once.
func (w *Web) takeFlash(rw http.ResponseWriter, r *http.Request) *Flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(rw, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: w.Auth.Secure, SameSite: http.SameSiteLaxMode})
	kind, enc, ok := strings.Cut(c.Value, ".")
	if !ok || (kind != flashOK && kind != flashWarn) {
		return nil
	}
	msg, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || len(msg) == 0 || len(msg) > 500 {
		return nil
	}
	return &Flash{Kind: kind, Message: string(msg)}
}
