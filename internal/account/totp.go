package account

import (
	"context"
	"strings"

	"github.com/pquerna/otp/totp"

	"github.com/aimsproject/aims"
)

// TOTPSetup is a new, not yet confirmed second factor: the secret to enter in an authenticator app and the
// otpauth:// URL that encodes it.
type TOTPSetup struct {
	Secret string
	URL    string
}

// BeginTOTP generates a second-factor secret for u. Nothing is stored until EnableTOTP confirms it.
func (s *Service) BeginTOTP(u *User) (*TOTPSetup, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "aims", AccountName: u.Email})
	if err != nil {
		return nil, err
	}
	return &TOTPSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

// EnableTOTP stores secret as userID's second factor once code proves the authenticator app has it.
func (s *Service) EnableTOTP(ctx context.Context, userID, secret, code string) error {
	if len(secret) < 16 || len(secret) > 128 {
		return aims.FieldError("secret", "The setup expired; start again.")
	}
	if !totp.Validate(strings.TrimSpace(code), secret) {
		return aims.FieldError("code", "The code is not right; enter the current one from your authenticator app.")
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	u.TOTPSecret, u.TOTPEnabled = secret, true
	return s.store.UpdateUser(ctx, u)
}

// DisableTOTP removes userID's second factor after checking their password.
func (s *Service) DisableTOTP(ctx context.Context, userID, password string) error {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := s.recheckPassword(ctx, u, password, "password"); err != nil {
		return err
	}
	u.TOTPSecret, u.TOTPEnabled = "", false
	return s.store.UpdateUser(ctx, u)
}
