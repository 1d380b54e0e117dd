package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/system"
)

// fewSystems is how many systems a supplier or model filter may select for ListSystems to name them in
// the query, so that the database reads those systems alone. A filter that selects more is
// left to the database as a subquery: walking the systems in order then finds a page's worth soon.
const fewSystems = 1000

// condition is one condition of a WHERE clause with its arguments.
type condition struct {
	sql  string
	args []any
}

// componentConditions returns the conditions of f's supplier and model filters on systems s of orgID.
// Both match the lower-case copies that 0012 keeps on each link, through their indexes.
func (db *DB) componentConditions(ctx context.Context, orgID string, f system.Filter) ([]condition, error) {
	var conds []condition
	for _, c := range []struct{ col, v string }{{"supplier_key", f.Supplier}, {"model_key", f.Model}} {
		if c.v == "" {
			continue
		}
		sub := linkKeyQuery(c.col)
		// First count the systems in the index alone; only few are then looked up, by name (unique in the
		// organization): the index on (org_id, name) finds each, in the list's order, where a list of ids
		// would make SQLite (which has no statistics) walk every system by name.
		found, err := db.texts(ctx, `SELECT DISTINCT x.system_id FROM (`+sub+`) x LIMIT ?`, orgID, c.v, fewSystems+1)
		if err != nil {
			return nil, fmt.Errorf("cannot find the systems by %s: %w", c.col, err)
		}
		if len(found) > 0 && len(found) <= fewSystems {
			// found now holds the systems' names.
			if found, err = db.texts(ctx, `SELECT DISTINCT x.name FROM system_components l CROSS JOIN systems x
				WHERE l.org_id = ? AND l.`+c.col+` = lower(CAST(? AS TEXT)) AND l.`+c.col+` <> ''
				AND x.id = l.system_id AND x.org_id = l.org_id AND l.import_id NOT IN `+pendingImports, orgID, c.v); err != nil {
				return nil, fmt.Errorf("cannot find the systems by %s: %w", c.col, err)
			}
		}
		switch {
		case len(found) == 0:
			conds = append(conds, condition{sql: "1 = 0"})
		case len(found) <= fewSystems:
			// The list is padded to a power of two with its last name, so that few query texts reach the
			// cache of prepared statements.
			n := 8
			for n < len(found) {
				n *= 2
			}
			args := make([]any, n)
			for i := range args {
				args[i] = found[min(i, len(found)-1)]
			}
			conds = append(conds, condition{sql: "s.name IN (?" + strings.Repeat(", ?", n-1) + ")", args: args})
		default:
			conds = append(conds, condition{sql: "s.id IN (" + sub + ")", args: []any{orgID, c.v}})
		}
	}
	return conds, nil
}

// linkKeyQuery selects the systems of an organization (the first argument) with a link whose key col
// (supplier_key or model_key) is the lower-case form of the second. It also says that the key is not
// empty, so that the databases use the partial indexes of 0018.
func linkKeyQuery(col string) string {
	return `SELECT l.system_id FROM system_components l WHERE l.org_id = ? AND l.` + col + ` = lower(CAST(? AS TEXT))
		AND l.` + col + ` <> '' AND l.import_id NOT IN ` + pendingImports
}

// texts returns the one text column of the rows of query.
func (db *DB) texts(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.reader(ctx).query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanValue[string])
}
