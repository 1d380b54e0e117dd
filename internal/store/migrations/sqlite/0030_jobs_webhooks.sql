-- Outbound work: a job is written in the transaction of the change that causes it and claimed by a worker
-- with a lease (lease_owner until lease_until), so that it survives restarts and runs on one replica at a
-- time. attempts counts the claims; run_at is when the job is next due.
CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL DEFAULT 8,
    run_at        DATETIME NOT NULL,
    lease_owner   TEXT NOT NULL DEFAULT '',
    lease_until   DATETIME,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    done_at       DATETIME
);
CREATE INDEX jobs_due ON jobs(status, run_at, id);

-- An organization's webhooks: events are POSTed to url, signed with secret (HMAC-SHA256).
CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  DATETIME NOT NULL
);
CREATE INDEX webhooks_org ON webhooks(org_id, id);

-- Each event sent to each webhook, with what its receiver answered last.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    webhook_id       TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    response_status  INTEGER NOT NULL DEFAULT 0,
    response_body    TEXT NOT NULL DEFAULT '',
    error            TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL,
    delivered_at     DATETIME
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(org_id, webhook_id, id);
