-- The login throttle counts attempts per key (an account, a client address, an account from an address)
-- in one row each, so that reserving an attempt is one atomic upsert that parallel logins cannot pass
-- together; the old table held one row per failure and was counted after the fact. Its rows are at most
-- a login window old and are not carried over.
DROP TABLE login_failures;

CREATE TABLE login_attempts (
    key           TEXT PRIMARY KEY,
    attempts      INTEGER NOT NULL,
    window_start  DATETIME NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts(window_start);
