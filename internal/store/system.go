package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/system"
	"github.com/jackc/pgx/v5"
)

var _ system.Store = (*DB)(nil)

const systemSelect = `SELECT s.id, s.org_id, s.name, s.purpose, s.intended_use, s.foreseeable_misuse, s.ai_role, s.eu_role,
	s.stage, s.status, s.owner_id, COALESCE(u.name, ''), s.team, s.environments, s.markets, s.users_text, s.affected_people,
	s.automation, s.human_oversight, s.personal_data, s.special_category_data, s.data_notes, s.interacts_with_people,
	s.generates_content, s.risk_class, s.version, s.created_at, s.updated_at
	FROM systems s LEFT JOIN users u ON u.id = s.owner_id WHERE s.org_id = ? `

func scanSystem(sc scanner) (*system.System, error) {
	var s system.System
	var envs, markets string
	if err := sc.Scan(&s.ID, &s.OrgID, &s.Name, &s.Purpose, &s.IntendedUse, &s.ForeseeableMisuse, &s.AIRole, &s.EURole,
		&s.Stage, &s.Status, &s.OwnerID, &s.OwnerName, &s.Team, &envs, &markets, &s.Users, &s.AffectedPeople,
		&s.Automation, &s.HumanOversight, &s.PersonalData, &s.SpecialCategoryData, &s.DataNotes, &s.InteractsWithPeople,
		&s.GeneratesContent, &s.RiskClass, &s.Version, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(envs), &s.Environments); err != nil {
		return nil, fmt.Errorf("cannot read environments of system %s: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(markets), &s.Markets); err != nil {
		return nil, fmt.Errorf("cannot read markets of system %s: %w", s.ID, err)
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

func systemByID(ctx context.Context, q q, orgID, id string) (*system.System, error) {
	s, err := scanSystem(q.row(ctx, systemSelect+`AND s.id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "AI system")
	}
	return s, nil
}

// SystemByID returns orgID's system id; ENOTFOUND when orgID has none.
func (db *DB) SystemByID(ctx context.Context, orgID, id string) (*system.System, error) {
	return systemByID(ctx, db.reader(ctx), orgID, id)
}

// addChange appends the history entry of s at its version, with before (nil for the creation).
func (tx *Tx) addChange(ctx context.Context, s *system.System, before any, reason string) error {
	a := aims.ActorFrom(ctx)
	actorID := a.UserID
	if actorID == "" {
		actorID = a.ID
	}
	b := ""
	if before != nil {
		raw, err := json.Marshal(before)
		if err != nil {
			return err
		}
		b = string(raw)
	}
	after, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.q().exec(ctx, `INSERT INTO system_changes (id, org_id, system_id, version, actor_id, actor_name, at, reason,
		before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		aims.NewID(), s.OrgID, s.ID, s.Version, actorID, a.Name, s.UpdatedAt, reason, b, string(after))
	if err != nil {
		return fmt.Errorf("cannot record the change of system %s: %w", s.ID, err)
	}
	return nil
}

func listJSON(xs []string) string {
	if xs == nil {
		xs = []string{}
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

func sameName(err error, name string) error {
	if aims.ErrorCode(err) == aims.ECONFLICT {
		return &aims.Error{Code: aims.ECONFLICT, Message: fmt.Sprintf("There is an AI system named %q already.", name), Field: "name"}
	}
	return err
}

// CreateSystems stores ss (each with its OrgID set) in one transaction, assigning ids, version 1 and
// times, each with a history entry and an activity entry. A name in use is ECONFLICT on name, stores
// nothing and is a *system.ImportError naming the system at fault by its index in ss. Whether an owner
// may own a system is the service's rule (system.Service.Import checks it in the same transaction).
func (db *DB) CreateSystems(ctx context.Context, ss []*system.System, reason string, progress func(stored int)) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for i, s := range ss {
			if progress != nil && i > 0 && i%progressEvery == 0 {
				progress(i)
			}
			now := db.now()
			s.ID, s.Version, s.CreatedAt, s.UpdatedAt = aims.NewID(), 1, now, now
			_, err := tx.q().exec(ctx, `INSERT INTO systems (id, org_id, name, purpose, intended_use, foreseeable_misuse, ai_role,
				eu_role, stage, status, owner_id, team, environments, markets, users_text, affected_people, automation,
				human_oversight, personal_data, special_category_data, data_notes, interacts_with_people, generates_content,
				version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				s.ID, s.OrgID, s.Name, s.Purpose, s.IntendedUse, s.ForeseeableMisuse, s.AIRole, s.EURole, s.Stage, s.Status,
				s.OwnerID, s.Team, listJSON(s.Environments), listJSON(s.Markets), s.Users, s.AffectedPeople, s.Automation,
				s.HumanOversight, s.PersonalData, s.SpecialCategoryData, s.DataNotes, s.InteractsWithPeople, s.GeneratesContent,
				s.Version, now, now)
			if aims.ErrorCode(err) == aims.ECONFLICT {
				return &system.ImportError{Index: i, Err: sameName(err, s.Name)}
			}
			if err != nil {
				return fmt.Errorf("cannot store AI system: %w", err)
			}
			stored, err := systemByID(ctx, tx.q(), s.OrgID, s.ID)
			if err != nil {
				return err
			}
			*s = *stored
			if err := tx.addChange(ctx, s, nil, reason); err != nil {
				return err
			}
			if err := tx.record(ctx, s.OrgID, activity.ActionCreate, "system", s.ID, nil, s); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(len(ss))
		}
		return nil
	})
}

// progressEvery is how many rows a bulk write stores between two reports of its progress.
const progressEvery = 250

// UpdateSystem stores s if the stored version is ifVersion (0: any), bumping it, with reason in its
// history; EPRECONDITION otherwise. s is updated to what was stored.
func (db *DB) UpdateSystem(ctx context.Context, s *system.System, ifVersion int64, reason string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := systemByID(ctx, tx.q(), s.OrgID, s.ID)
		if err != nil {
			return err
		}
		if ifVersion != 0 && before.Version != ifVersion {
			return aims.Stale(before.Name, before.Version, ifVersion)
		}
		res, err := tx.q().exec(ctx, `UPDATE systems SET name = ?, purpose = ?, intended_use = ?, foreseeable_misuse = ?, ai_role = ?,
			eu_role = ?, stage = ?, status = ?, owner_id = ?, team = ?, environments = ?, markets = ?, users_text = ?,
			affected_people = ?, automation = ?, human_oversight = ?, personal_data = ?, special_category_data = ?, data_notes = ?,
			interacts_with_people = ?, generates_content = ?, version = ?, updated_at = ? WHERE id = ? AND org_id = ? AND version = ?`,
			s.Name, s.Purpose, s.IntendedUse, s.ForeseeableMisuse, s.AIRole, s.EURole, s.Stage, s.Status, s.OwnerID, s.Team,
			listJSON(s.Environments), listJSON(s.Markets), s.Users, s.AffectedPeople, s.Automation, s.HumanOversight,
			s.PersonalData, s.SpecialCategoryData, s.DataNotes, s.InteractsWithPeople, s.GeneratesContent,
			before.Version+1, db.now(), s.ID, s.OrgID, before.Version)
		if err != nil {
			return fmt.Errorf("cannot update AI system %s: %w", s.ID, sameName(err, s.Name))
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return aims.Stale(before.Name, 0, 0)
		}
		after, err := systemByID(ctx, tx.q(), s.OrgID, s.ID)
		if err != nil {
			return err
		}
		*s = *after
		if err := tx.addChange(ctx, s, before, reason); err != nil {
			return err
		}
		return tx.record(ctx, s.OrgID, activity.ActionUpdate, "system", s.ID, before, s)
	})
}

// DeleteSystem deletes orgID's system id and its history; ENOTFOUND when there is none.
func (db *DB) DeleteSystem(ctx context.Context, orgID, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := systemByID(ctx, tx.q(), orgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM system_changes WHERE org_id = ? AND system_id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot delete the history of AI system %s: %w", id, err)
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM systems WHERE org_id = ? AND id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot delete AI system %s: %w", id, err)
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "system", id, before, nil)
	})
}

// ListSystems returns a page of orgID's systems matching f, ordered by name or by last change (newest
// first), and the cursor of the next page. The cursor is the id of the last system of the page; one that
// no longer exists is EINVALID on cursor.
func (db *DB) ListSystems(ctx context.Context, orgID string, f system.Filter, p aims.Page) ([]*system.System, string, error) {
	limit := pageLimit(p.Limit)
	var where strings.Builder
	args := []any{orgID}
	add := func(cond string, v ...any) { where.WriteString(" AND " + cond); args = append(args, v...) }
	for _, c := range []struct{ col, v string }{{"s.stage", f.Stage}, {"s.status", f.Status}, {"s.owner_id", f.OwnerID}, {"s.ai_role", f.AIRole}} {
		if c.v != "" {
			add(c.col+" = ?", c.v)
		}
	}
	if f.RiskClass == system.Unclassified {
		add("s.risk_class = ''")
	} else if f.RiskClass != "" {
		add("s.risk_class = ?", f.RiskClass)
	}
	from, reader, mode := systemSelect, db.reader(ctx), []any(nil)
	if f.Query != "" {
		cond, v, byIndex, err := db.searchCondition(ctx, orgID, f.Query)
		if err != nil {
			return nil, "", err
		}
		if byIndex {
			// The few systems that hold the term are read by rowid and sorted, instead of walking the
			// organization's systems in order (see searchCondition).
			from = strings.Replace(systemSelect, "FROM systems s ", "FROM systems s NOT INDEXED ", 1)
		}
		if db.dialect == Postgres {
			// Planned for each term, unprepared: the generic plan of a prepared statement cannot know how
			// many systems hold the term, and walks them all by name even for a term that none holds.
			reader, mode = q{db: db, x: db.read}, []any{pgx.QueryExecModeExec}
		}
		add(cond, v...)
	}
	conds, err := db.componentConditions(ctx, orgID, f)
	if err != nil {
		return nil, "", err
	}
	for _, c := range conds {
		add(c.sql, c.args...)
	}
	order := ` ORDER BY s.name, s.id`
	if f.Sort == "updated" {
		order = ` ORDER BY s.updated_at DESC, s.id DESC`
	}
	if p.Cursor != "" {
		id, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		last, err := systemByID(ctx, db.reader(ctx), orgID, id)
		if err != nil {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
		// A row value, which both databases take as where to start in the index of the order; the same
		// written with OR made them walk the pages before it (16 ms, growing, for the page after 40,000).
		if f.Sort == "updated" {
			add(`(s.updated_at, s.id) < (?, ?)`, last.UpdatedAt, last.ID)
		} else {
			add(`(s.name, s.id) > (?, ?)`, last.Name, last.ID)
		}
	}
	args = append(args, limit+1)
	rows, err := reader.query(ctx, from+where.String()+order+` LIMIT ?`, append(mode, args...)...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list AI systems: %w", err)
	}
	ss, err := collect(rows, scanSystem)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list AI systems: %w", err)
	}
	ss, next := pageOf(ss, limit, func(s *system.System) string { return s.ID })
	return ss, next, nil
}

// searchScanAbove is the number of an organization's systems holding a search term above which SQLite
// walks the systems in order rather than reading the holders from the trigram index and sorting them.
const searchScanAbove = 1000

// searchCondition is ListSystems' text search: the systems whose name or purpose holds term, in any case.
//
// On SQLite a term of three or more characters is looked up in the trigram index system_search
// (migration 0013) as one FTS5 phrase, which matches exactly the names and purposes that hold it, with
// case folded in any script. A shorter term, which trigrams cannot find, is looked for in the index's own
// copy of the names and purposes (a scan, but of compact rows in one piece: about 15 ms for 50,000
// systems where walking the systems took 290 ms): with LIKE when it is ASCII, otherwise with a GLOB whose
// letters each match their every case (SQLite's own lower() and LIKE fold ASCII only). When at most
// searchScanAbove of orgID's systems hold the term, the condition names them and byIndex is true:
// ListSystems then reads only those and sorts them. When more hold it, the condition is that GLOB,
// checked while walking the systems in order: the holders are frequent, so a page is found early. FTS5
// and the GLOB (Go's simple case folding) agree on the letters of living scripts; they may differ on a
// few letters with unusual case mappings (such as the long s or the Kelvin sign), which the GLOB takes as
// equal to s and k.
//
// On PostgreSQL it is a LIKE on search_text, the name and purpose lower-cased in one stored column
// (migration 0019), which a pg_trgm index serves when the extension is there. The pattern is lowered by
// the same lower() as the column, so case is folded as the database's locale folds it (any script under a
// UTF-8 locale, ASCII only under C).
func (db *DB) searchCondition(ctx context.Context, orgID, term string) (cond string, args []any, byIndex bool, err error) {
	if db.dialect == Postgres {
		if strings.ContainsRune(term, '\x1f') {
			return `1 = 0`, nil, false, nil // the separator of search_text, in no name or purpose
		}
		pat := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(term) + "%"
		return `s.search_text LIKE lower(CAST(? AS TEXT)) ESCAPE '\'`, []any{pat}, false, nil
	}
	// GLOB whose letters each match their every case.
	var glob strings.Builder
	glob.WriteByte('*')
	for _, r := range term {
		cases := []rune{r}
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			cases = append(cases, f)
		}
		switch {
		case len(cases) > 1:
			glob.WriteString("[" + string(cases) + "]")
		case r == '*' || r == '?' || r == '[':
			glob.WriteString("[" + string(r) + "]")
		default:
			glob.WriteRune(r)
		}
	}
	glob.WriteByte('*')
	// match finds the holders in system_search (f): the trigram index for three characters or more; for
	// fewer, a scan of the index's own copy of the names and purposes, compact and in one piece, which
	// takes a fraction of the walk of the systems (LIKE, which folds ASCII letters, for an ASCII term).
	// The copy is FTS5's content table (its columns c0 and c1 are name and purpose, its rowid the index's;
	// see "Shadow tables" in SQLite's FTS5 documentation): read directly it takes half the time of a scan
	// through the index's own interface.
	src, match := "system_search", ""
	var margs []any
	switch {
	case utf8.RuneCountInString(term) >= 3:
		match, margs = `f.system_search MATCH ?`, []any{`"` + strings.ReplaceAll(term, `"`, `""`) + `"`}
	case isASCII(term):
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(term) + "%"
		src, match, margs = "system_search_content", `(f.c0 LIKE ? ESCAPE '\' OR f.c1 LIKE ? ESCAPE '\')`, []any{like, like}
	default:
		src, match, margs = "system_search_content", `(f.c0 GLOB ? OR f.c1 GLOB ?)`, []any{glob.String(), glob.String()}
	}
	// orgID's holders in the index, read once; CROSS JOIN keeps SQLite from starting at another table.
	ids, err := db.texts(ctx, `SELECT r.system_id FROM `+src+` f CROSS JOIN system_search_rows r
		WHERE `+match+` AND r.id = f.rowid AND r.org_id = ? LIMIT ?`, append(margs, orgID, searchScanAbove+1)...)
	if err != nil {
		return "", nil, false, fmt.Errorf("cannot search AI systems: %w", err)
	}
	switch {
	case len(ids) == 0:
		return `1 = 0`, nil, true, nil
	case len(ids) <= searchScanAbove:
		list, err := json.Marshal(ids)
		if err != nil {
			return "", nil, false, fmt.Errorf("cannot search AI systems: %w", err)
		}
		// The systems' rowids are looked up afresh by id (VACUUM may renumber them).
		return `s.rowid IN (SELECT h.rowid FROM systems h WHERE h.id IN (SELECT value FROM json_each(?)))`, []any{string(list)}, true, nil
	}
	return `(s.name GLOB ? OR s.purpose GLOB ?)`, []any{glob.String(), glob.String()}, false, nil
}

// SystemChanges returns the history of orgID's system id, newest first; ENOTFOUND when there is no such
// system.
func (db *DB) SystemChanges(ctx context.Context, orgID, id string) ([]*system.Change, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, id); err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT id, system_id, version, actor_id, actor_name, at, reason, before_json, after_json
		FROM system_changes WHERE org_id = ? AND system_id = ? ORDER BY version DESC`, orgID, id)
	if err != nil {
		return nil, fmt.Errorf("cannot read the history of AI system %s: %w", id, err)
	}
	return collect(rows, func(sc scanner) (*system.Change, error) {
		var c system.Change
		var before, after string
		if err := sc.Scan(&c.ID, &c.SystemID, &c.Version, &c.ActorID, &c.ActorName, &c.At, &c.Reason, &before, &after); err != nil {
			return nil, err
		}
		c.At, c.Before, c.After = c.At.UTC(), []byte(before), []byte(after)
		return &c, nil
	})
}
