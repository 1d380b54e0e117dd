-- Evaluation runs of AI systems: one row per imported result file (promptfoo, garak, lm-eval, Inspect),
-- with what it says of the run, its verdict against the system's acceptance criteria (results: JSON of
-- each rule's outcome) and the file's digest; its metrics (a value that is not a finite number, such as
-- NaN, is NULL with its text in value_text); its failing cases, capped per run. Criteria are the rules of
-- a system, as JSON.
CREATE TABLE evaluation_runs (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    system_id       TEXT NOT NULL,
    tool            TEXT NOT NULL,
    tool_version    TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    started_at      TIMESTAMPTZ,
    red_team        BIGINT NOT NULL DEFAULT 0,
    tests_total     BIGINT NOT NULL DEFAULT 0,
    tests_passed    BIGINT NOT NULL DEFAULT 0,
    tests_failed    BIGINT NOT NULL DEFAULT 0,
    tests_errors    BIGINT NOT NULL DEFAULT 0,
    guardrails      BIGINT NOT NULL DEFAULT 0,
    cases_kept      BIGINT NOT NULL DEFAULT 0,
    cases_more      BIGINT NOT NULL DEFAULT 0,
    notes           TEXT NOT NULL DEFAULT '[]',
    model_mismatch  BIGINT NOT NULL DEFAULT 0,
    verdict         TEXT NOT NULL DEFAULT 'none',
    results         TEXT NOT NULL DEFAULT '[]',
    filename        TEXT NOT NULL DEFAULT '',
    sha256          TEXT NOT NULL DEFAULT '',
    size            BIGINT NOT NULL DEFAULT 0,
    imported_by     TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX evaluation_runs_org ON evaluation_runs(org_id, id);
CREATE INDEX evaluation_runs_system ON evaluation_runs(org_id, system_id, id);
CREATE TABLE evaluation_metrics (
    run_id       TEXT NOT NULL REFERENCES evaluation_runs(id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    task         TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    value        DOUBLE PRECISION,
    value_text   TEXT NOT NULL DEFAULT '',
    has_stderr   BIGINT NOT NULL DEFAULT 0,
    stderr       DOUBLE PRECISION,
    stderr_text  TEXT NOT NULL DEFAULT '',
    passed       BIGINT NOT NULL DEFAULT 0,
    total        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE evaluation_cases (
    run_id    TEXT NOT NULL REFERENCES evaluation_runs(id) ON DELETE CASCADE,
    org_id    TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    task      TEXT NOT NULL DEFAULT '',
    plugin    TEXT NOT NULL DEFAULT '',
    strategy  TEXT NOT NULL DEFAULT '',
    prompt    TEXT NOT NULL DEFAULT '',
    output    TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL DEFAULT '',
    is_error  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE evaluation_criteria (
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    system_id   TEXT NOT NULL,
    rules       TEXT NOT NULL,
    rev         INTEGER NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, system_id)
);
