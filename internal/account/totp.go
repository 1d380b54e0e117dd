package account

import (
	"context"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/aimsproject/aims"
)

// TOTPSetup is a new, not yet confirmed second factor: the secret to enter in an authenticator app and the
// otpauth:// URL that encodes it.
type TOTPSetup struct {
	Secret string
	URL    string
}

// totpStep returns the 30-second time step whose code is code, within one step of now, or false. The
// authenticator app's clock is the wall clock, so this reads time.Now like the totp package does.
func totpStep(code, secret string) (int64, bool) {
	now := time.Now()
	for _, skew := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(skew) * 30 * time.Second)
		ok, err := totp.ValidateCustom(code, secret, at, totp.ValidateOpts{Period: 30, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			return at.Unix() / 30, true
		}
	}
	return 0, false
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
	defer s.cache.forget()
	if len(secret) < 16 || len(secret) > 128 {
		return aims.FieldError("secret", "The setup expired; start again.")
	}
	step, ok := totpStep(strings.TrimSpace(code), secret)
	if !ok {
		return aims.FieldError("code", "The code is not right; enter the current one from your authenticator app.")
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	u.TOTPSecret, u.TOTPEnabled = secret, true
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	// The code that confirmed the app cannot log in again.
	_, err = s.store.UseTOTPStep(ctx, userID, step)
	return err
}

// DisableTOTP removes userID's second factor after checking their password.
func (s *Service) DisableTOTP(ctx context.Context, userID, password string) error {
	defer s.cache.forget()
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
