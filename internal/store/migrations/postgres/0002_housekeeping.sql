-- Indexes for the periodic removal of expired sessions and old login failures.
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX login_failures_at ON login_failures(at);
