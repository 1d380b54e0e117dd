package web

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"strings"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/problem"
)

// TOTPSetupPage shows a new second-factor secret to enter in an authenticator app, and asks for a code to
// confirm it. Nothing is stored until the code is right; the secret travels in a hidden field meanwhile.
type TOTPSetupPage struct {
	Layout
	Secret string
	URL    string
	// QR is the otpauth URL as a QR code image (a data: URL), for scanning with a phone.
	QR  template.URL
	Err *FormError
}

// totpSetupPage starts setting up a second factor.
func (w *Web) totpSetupPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if v.user.TOTPEnabled {
		w.flash(rw, flashOK, "Two-factor authentication is on already.")
		http.Redirect(rw, r, "/account", http.StatusSeeOther)
		return nil
	}
	setup, err := w.Accounts.BeginTOTP(v.user)
	if err != nil {
		return err
	}
	return w.renderTOTPSetup(rw, r, v, http.StatusOK, setup, nil)
}

func (w *Web) renderTOTPSetup(rw http.ResponseWriter, r *http.Request, v *visit, status int, setup *account.TOTPSetup, fe *FormError) error {
	p := TOTPSetupPage{Layout: w.layout(rw, r, v, "Set up two-factor authentication", "/account"),
		Secret: setup.Secret, URL: setup.URL, QR: qrCode(setup.URL), Err: fe}
	return w.render(rw, r, status, "totp_setup", p)
}

// qrCode renders an otpauth URL as a PNG data URL, or "" when it cannot (the secret and URL are shown as
// text as well).
func qrCode(url string) template.URL {
	key, err := otp.NewKeyFromURL(url)
	if err != nil {
		return ""
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return ""
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return ""
	}
	// The value is an image aims made itself, never input, so it is safe to mark as a URL.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// enableTOTP stores the second factor once the code shows the authenticator app has the secret.
func (w *Web) enableTOTP(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	secret := strings.TrimSpace(r.PostFormValue("secret"))
	setup, ok := setupOf(v.user, secret)
	if !ok {
		w.flash(rw, flashWarn, "The setup expired; start again.")
		http.Redirect(rw, r, "/account/totp", http.StatusSeeOther)
		return nil
	}
	if err := w.Accounts.EnableTOTP(r.Context(), v.user.ID, secret, r.PostFormValue("code")); err != nil {
		fe, status, ok := formError(err, "code")
		if !ok {
			return err
		}
		return w.renderTOTPSetup(rw, r, v, status, setup, fe)
	}
	w.flash(rw, flashOK, "Two-factor authentication is on. You will need a code from your app at every login.")
	http.Redirect(rw, r, "/account", http.StatusSeeOther)
	return nil
}

var totpSecretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// setupOf rebuilds the setup of a secret sent back by the form, so that a wrong code can be retried with
// the same secret. It reports false for anything that is not a secret of the size BeginTOTP makes.
func setupOf(u *account.User, secret string) (*account.TOTPSetup, bool) {
	raw, err := totpSecretEncoding.DecodeString(secret)
	if err != nil || len(raw) < 10 || len(raw) > 64 {
		return nil, false
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "aims", AccountName: u.Email, Secret: raw})
	if err != nil || key.Secret() != secret {
		return nil, false
	}
	return &account.TOTPSetup{Secret: secret, URL: key.URL()}, true
}

// disableTOTP removes the visitor's second factor once their password confirms it is them.
func (w *Web) disableTOTP(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	if err := w.Accounts.DisableTOTP(r.Context(), v.user.ID, r.PostFormValue("password")); err != nil {
		fe, status, ok := formError(err, "password")
		if !ok {
			return err
		}
		problem.SetRetryAfter(rw, err)
		return w.renderAccount(rw, r, v, status, AccountPage{Disable: fe})
	}
	w.flash(rw, flashOK, "Two-factor authentication is off.")
	http.Redirect(rw, r, "/account", http.StatusSeeOther)
	return nil
}
