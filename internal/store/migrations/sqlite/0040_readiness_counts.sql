-- Readiness at scale: the evidence of every control or clause item (as "KEY/REF") is counted as links
-- are made and removed and as the evidence or run behind them changes, in the same transaction, so that
-- readiness reads a few rows per control however many links there are.
--
-- evidence_counts holds the links of each kind by the day they stop counting as current. kind is
-- 'evidence' (not a draft) or 'draft', with day the valid-until date ('' for none); 'run' (an evaluation
-- run that does not fail its criteria) with day the UTC day it ran plus 90 days (readiness takes a run as
-- current for 90 days); 'run_fail' (a failing run) with day ''. Rows whose count falls to 0 are removed.
--
-- evidence_rollup sums them by kind: total, and lapsed, the links whose day is before as_of (lapsed on
-- as_of). Readiness adds the rows between as_of and its day; the daily job moves as_of to the day, so
-- that this is one day's rows.
CREATE TABLE evidence_counts (
    org_id   TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    control  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    day      TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (org_id, control, kind, day)
);
CREATE INDEX evidence_counts_day ON evidence_counts(org_id, day);
CREATE TABLE evidence_rollup (
    org_id   TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    control  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    as_of    TEXT NOT NULL,
    total    INTEGER NOT NULL,
    lapsed   INTEGER NOT NULL,
    PRIMARY KEY (org_id, control, kind)
);
INSERT INTO evidence_counts (org_id, control, kind, day, n)
SELECT l.org_id, l.to_id, CASE WHEN e.status = 'draft' THEN 'draft' ELSE 'evidence' END, e.valid_until, COUNT(*)
FROM links l JOIN evidence e ON e.org_id = l.org_id AND e.id = l.from_id
WHERE l.relationship = 'evidences' AND l.from_type = 'evidence' AND l.to_type = 'control'
GROUP BY l.org_id, l.to_id, CASE WHEN e.status = 'draft' THEN 'draft' ELSE 'evidence' END, e.valid_until;
INSERT INTO evidence_counts (org_id, control, kind, day, n)
SELECT l.org_id, l.to_id, CASE WHEN r.verdict = 'fail' THEN 'run_fail' ELSE 'run' END,
    CASE WHEN r.verdict = 'fail' THEN '' ELSE date(substr(COALESCE(r.started_at, r.created_at), 1, 10), '+90 days') END, COUNT(*)
FROM links l JOIN evaluation_runs r ON r.org_id = l.org_id AND r.id = l.from_id
WHERE l.relationship = 'evidences' AND l.from_type = 'evaluation' AND l.to_type = 'control'
GROUP BY l.org_id, l.to_id, CASE WHEN r.verdict = 'fail' THEN 'run_fail' ELSE 'run' END,
    CASE WHEN r.verdict = 'fail' THEN '' ELSE date(substr(COALESCE(r.started_at, r.created_at), 1, 10), '+90 days') END;
INSERT INTO evidence_rollup (org_id, control, kind, as_of, total, lapsed)
SELECT org_id, control, kind, date('now'), SUM(n), SUM(CASE WHEN day <> '' AND day < date('now') THEN n ELSE 0 END)
FROM evidence_counts GROUP BY org_id, control, kind;

-- The release gate reads one system's risks that lack a treatment or an acceptance, or whose treatment
-- selects no control: the organization-wide partial indexes of 0034 with the system added, so that the
-- check reads that system's rows only.
CREATE INDEX risks_unaccepted_system ON risks(org_id, system_id, level_rank DESC, seq) WHERE status <> 'closed' AND (treatment_option = '' OR accepted_id = '');
CREATE INDEX risks_no_control_system ON risks(org_id, system_id, level_rank DESC, seq) WHERE status <> 'closed' AND treatment_option IN ('modify', 'share') AND treat_controls = 0;
