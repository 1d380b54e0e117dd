package readiness

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/risk"
)

// documentedInformation is the list of documented information clauses 4 to 10 of ISO/IEC 42001 require,
// in our own words (testdata/reference/iso42001-documented-information.csv, where its origin is told).
//
//go:embed documented-information.csv
var documentedInformation []byte

// DocumentList returns the documented information ISO/IEC 42001 requires, in clause order.
func DocumentList() ([]Document, error) {
	rows, err := csv.NewReader(bytes.NewReader(documentedInformation)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("readiness: the documented information list: %w", err)
	}
	out := make([]Document, 0, len(rows))
	for _, r := range rows[1:] {
		out = append(out, Document{Clause: r[0], Title: r[1], Kind: r[2]})
	}
	return out, nil
}

// documents tells, for each piece of documented information, what aims holds of it: the records aims
// keeps itself (risk criteria, the SoA, impact assessments, the register) or, for the rest, the clause
// item's evidence.
func (s *Service) documents(ctx context.Context, orgID string, items []Item) ([]Document, error) {
	docs, err := DocumentList()
	if err != nil {
		return nil, err
	}
	byRef := map[string]*Item{}
	for i := range items {
		if items[i].Clause {
			byRef[items[i].Ref] = &items[i]
		}
	}
	for i := range docs {
		d := &docs[i]
		switch {
		case d.Clause == "6.1.2":
			vs, err := s.Risks.CriteriaVersions(ctx, orgID)
			if err != nil {
				return nil, err
			}
			d.Href = "/risks/criteria"
			if len(vs) > 0 {
				d.Exists, d.Detail = true, fmt.Sprintf("Risk criteria, version %d.", vs[0].Version)
			} else {
				d.Detail = "The risk criteria are the default, never saved."
			}
		case d.Clause == "6.1.3" && strings.Contains(d.Title, "Applicability"):
			vs, _, err := s.Controls.Versions(ctx, orgID, aims.Page{Limit: 1})
			if err != nil {
				return nil, err
			}
			d.Href = "/soa/versions"
			if len(vs) > 0 {
				d.Exists, d.Detail = true, fmt.Sprintf("Version %d approved on %s.", vs[0].Number, vs[0].ApprovedAt.UTC().Format("2006-01-02"))
			} else {
				d.Detail = "No version is approved."
			}
		case d.Clause == "6.1.4" || d.Clause == "8.4":
			ms, more, err := s.Impacts.List(ctx, orgID, impact.Filter{}, aims.Page{Limit: aims.MaxPageLimit})
			if err != nil {
				return nil, err
			}
			approved := 0
			for _, m := range ms {
				if m.Approved > 0 && !m.Stale {
					approved++
				}
			}
			d.Href = "/impact-assessments"
			d.Exists = approved > 0
			d.Detail = fmt.Sprintf("%d current approved impact assessments of %d.", approved, len(ms))
			if more != "" {
				// Counting them all would read every assessment on each visit; the first page tells
				// whether the record exists, and the impact assessments page counts the rest.
				d.Detail = fmt.Sprintf("%d current approved impact assessments among the first %d.", approved, len(ms))
			}
		case d.Clause == "8.2" || d.Clause == "6.1.3" || d.Clause == "8.3":
			rs, _, err := s.Risks.List(ctx, orgID, risk.Filter{}, aims.Page{Limit: 1})
			if err != nil {
				return nil, err
			}
			d.Href = "/risks"
			if d.Clause == "8.3" || d.Clause == "6.1.3" {
				d.Href = "/risks/treatment-plan/export?format=pdf"
			}
			if d.Exists = len(rs) > 0; d.Exists {
				d.Detail = "The risk register and its treatment plan."
			} else {
				d.Detail = "The risk register is empty."
			}
		default:
			it := byRef[d.Clause]
			if it == nil {
				d.Detail = "Not tracked."
				continue
			}
			d.Href = it.Href
			d.Exists = it.Evidence > 0
			if d.Exists {
				d.Detail = fmt.Sprintf("%d pieces of evidence on %s.", it.Evidence, it.Ref)
			} else {
				d.Detail = "Nothing is attached to " + it.Ref + " yet."
			}
		}
	}
	return docs, nil
}
