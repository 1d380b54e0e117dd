package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/system"
)

const classificationColumns = `system_id, org_id, answers_json, class, result_json, override, justification, classified_by,
	classified_by_name, classified_at, version`

func scanClassification(sc scanner) (*system.Classification, error) {
	var c system.Classification
	var answers, result string
	if err := sc.Scan(&c.SystemID, &c.OrgID, &answers, &c.Class, &result, &c.Override, &c.Justification, &c.ClassifiedBy,
		&c.ClassifiedByName, &c.ClassifiedAt, &c.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(answers), &c.Answers); err != nil {
		return nil, fmt.Errorf("cannot read the answers of the classification of system %s: %w", c.SystemID, err)
	}
	if err := json.Unmarshal([]byte(result), &c.Result); err != nil {
		return nil, fmt.Errorf("cannot read the result of the classification of system %s: %w", c.SystemID, err)
	}
	c.ClassifiedAt = c.ClassifiedAt.UTC()
	return &c, nil
}

func classificationOf(ctx context.Context, q q, orgID, id string) (*system.Classification, error) {
	c, err := scanClassification(q.row(ctx, `SELECT `+classificationColumns+` FROM system_classifications
		WHERE org_id = ? AND system_id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "EU AI Act classification")
	}
	return c, nil
}

// ClassificationOf returns the current classification of orgID's system id; ENOTFOUND when orgID has no
// such system or it is not classified yet.
func (db *DB) ClassificationOf(ctx context.Context, orgID, id string) (*system.Classification, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, id); err != nil {
		return nil, err
	}
	c, err := classificationOf(ctx, db.reader(ctx), orgID, id)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, aims.Errorf(aims.ENOTFOUND, "The AI system is not classified under the EU AI Act yet.")
	}
	return c, err
}

// SaveClassification stores c as the current classification of its system if the current version is
// ifVersion (0: any), with the system's risk class, a history entry and an activity entry, in one
// transaction. ENOTFOUND when orgID has no such system; EPRECONDITION on a lost update.
func (db *DB) SaveClassification(ctx context.Context, c *system.Classification, ifVersion int64) error {
	answers, err := json.Marshal(c.Answers)
	if err != nil {
		return err
	}
	result, err := json.Marshal(c.Result)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		sys, err := systemByID(ctx, tx.q(), c.OrgID, c.SystemID)
		if err != nil {
			return err
		}
		before, err := classificationOf(ctx, tx.q(), c.OrgID, c.SystemID)
		if err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
			return err
		}
		var cur int64
		if before != nil {
			cur = before.Version
		}
		if ifVersion != 0 && cur != ifVersion {
			return aims.Stale("the classification of "+sys.Name, cur, ifVersion)
		}
		a := aims.ActorFrom(ctx)
		c.ClassifiedBy = a.UserID
		if c.ClassifiedBy == "" {
			c.ClassifiedBy = a.ID
		}
		c.ClassifiedByName, c.ClassifiedAt, c.Version = a.Name, db.now(), cur+1
		args := []any{c.SystemID, c.OrgID, string(answers), c.Class, string(result), c.Override, c.Justification, c.ClassifiedBy,
			c.ClassifiedByName, c.ClassifiedAt, c.Version}
		if before == nil {
			_, err = tx.q().exec(ctx, `INSERT INTO system_classifications (`+classificationColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		} else {
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.q().exec(ctx, `UPDATE system_classifications SET answers_json = ?, class = ?, result_json = ?, override = ?,
				justification = ?, classified_by = ?, classified_by_name = ?, classified_at = ?, version = ?
				WHERE org_id = ? AND system_id = ? AND version = ?`,
				string(answers), c.Class, string(result), c.Override, c.Justification, c.ClassifiedBy, c.ClassifiedByName,
				c.ClassifiedAt, c.Version, c.OrgID, c.SystemID, cur)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					return aims.Stale("the classification of "+sys.Name, 0, 0)
				}
			}
		}
		if err != nil {
			return fmt.Errorf("cannot store the classification of AI system %s: %w", c.SystemID, err)
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO system_classification_history (id, `+classificationColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append([]any{aims.NewID()}, args...)...); err != nil {
			return fmt.Errorf("cannot record the classification of AI system %s: %w", c.SystemID, err)
		}
		if _, err := tx.q().exec(ctx, `UPDATE systems SET risk_class = ? WHERE org_id = ? AND id = ?`, c.Class, c.OrgID, c.SystemID); err != nil {
			return fmt.Errorf("cannot set the risk class of AI system %s: %w", c.SystemID, err)
		}
		action := activity.ActionUpdate
		var b any
		if before == nil {
			action = activity.ActionCreate
		} else {
			b = before
		}
		return tx.record(ctx, c.OrgID, action, "system_classification", c.SystemID, b, c)
	})
}

// ClassificationHistory returns every classification saved for orgID's system id, newest first;
// ENOTFOUND when orgID has no such system.
func (db *DB) ClassificationHistory(ctx context.Context, orgID, id string) ([]*system.Classification, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, id); err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+classificationColumns+` FROM system_classification_history
		WHERE org_id = ? AND system_id = ? ORDER BY version DESC`, orgID, id)
	if err != nil {
		return nil, fmt.Errorf("cannot read the classification history of AI system %s: %w", id, err)
	}
	return collect(rows, scanClassification)
}
