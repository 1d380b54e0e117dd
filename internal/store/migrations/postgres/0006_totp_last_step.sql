-- The last TOTP time step a user logged in with: a code is accepted once, so a code seen over someone's
-- shoulder or in a log cannot be replayed within its 30-second window.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
