-- The formal acceptance of a risk (ISO/IEC 42001, 6.1.3): who accepted it, when, in which role, at which
-- level and criteria version, and the risk as it was then (snapshot, JSON). An acceptance is never
-- changed but to void it: a material change of the risk after it voids it, saying why. A risk names its
-- standing acceptance (accepted_id, empty for none) and counts the controls its treatment selects (the
-- "treats" links to it), so that the SoA's checks are index ranges; link_counts counts the risks each
-- control's treatments select, for the SoA's rows.
CREATE TABLE risk_acceptances (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    risk_id          TEXT NOT NULL,
    accepted_by_id   TEXT NOT NULL,
    accepted_by      TEXT NOT NULL,
    role             TEXT NOT NULL,
    accepted_at      DATETIME NOT NULL,
    criteria_version INTEGER NOT NULL,
    level            TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    snapshot         TEXT NOT NULL,
    voided_at        DATETIME,
    void_reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX risk_acceptances_risk ON risk_acceptances(org_id, risk_id, accepted_at);
ALTER TABLE risks ADD COLUMN accepted_id TEXT NOT NULL DEFAULT '';
ALTER TABLE risks ADD COLUMN treat_controls INTEGER NOT NULL DEFAULT 0;
UPDATE risks SET treat_controls = (SELECT COUNT(*) FROM links l WHERE l.org_id = risks.org_id AND l.to_type = 'risk'
    AND l.to_id = risks.id AND l.relationship = 'treats');
CREATE INDEX risks_unaccepted ON risks(org_id, level_rank DESC, seq) WHERE status <> 'closed' AND (treatment_option = '' OR accepted_id = '');
CREATE INDEX risks_no_control ON risks(org_id, level_rank DESC, seq) WHERE status <> 'closed' AND treatment_option IN ('modify', 'share') AND treat_controls = 0;
CREATE TABLE link_counts (
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    relationship TEXT NOT NULL,
    from_type    TEXT NOT NULL,
    from_id      TEXT NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (org_id, relationship, from_type, from_id)
);
INSERT INTO link_counts (org_id, relationship, from_type, from_id, n)
    SELECT org_id, relationship, from_type, from_id, COUNT(*) FROM links WHERE relationship = 'treats'
    GROUP BY org_id, relationship, from_type, from_id;
-- The escalation of an overdue task on a risk already sent: "risk-owner:DUE" or "aims-owner:DUE".
ALTER TABLE tasks ADD COLUMN escalated TEXT NOT NULL DEFAULT '';
-- The heat map's cells also by risk source and current level, so that a heat map of one source or level
-- reads the cells too (a few thousand rows at most) rather than the risks.
DROP TABLE risk_cells;
CREATE TABLE risk_cells (
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    system_id   TEXT NOT NULL,
    source      TEXT NOT NULL,
    level       TEXT NOT NULL,
    rating      TEXT NOT NULL,
    likelihood  INTEGER NOT NULL,
    worst       INTEGER NOT NULL,
    closed      INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (org_id, rating, closed, system_id, source, level, likelihood, worst)
);
INSERT INTO risk_cells (org_id, system_id, source, level, rating, likelihood, worst, closed, n)
    SELECT org_id, system_id, source, level, 'i', inherent_likelihood, inherent_worst, CASE WHEN status = 'closed' THEN 1 ELSE 0 END, COUNT(*)
    FROM risks WHERE inherent_likelihood > 0
    GROUP BY org_id, system_id, source, level, inherent_likelihood, inherent_worst, CASE WHEN status = 'closed' THEN 1 ELSE 0 END;
INSERT INTO risk_cells (org_id, system_id, source, level, rating, likelihood, worst, closed, n)
    SELECT org_id, system_id, source, level, 'r', residual_likelihood, residual_worst, CASE WHEN status = 'closed' THEN 1 ELSE 0 END, COUNT(*)
    FROM risks WHERE residual_likelihood > 0
    GROUP BY org_id, system_id, source, level, residual_likelihood, residual_worst, CASE WHEN status = 'closed' THEN 1 ELSE 0 END;
