package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// listLinks answers GET /api/v1/links?from=TYPE:ID (or to=, or record= for both directions).
func (a *API) listLinks(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var f record.Filter
	for _, side := range []struct {
		name string
		dst  **record.Ref
	}{{"from", &f.From}, {"to", &f.To}, {"record", &f.Record}} {
		if !q.Has(side.name) {
			continue
		}
		ref, err := record.ParseRef(q.Get(side.name), side.name)
		if err != nil {
			return err
		}
		*side.dst = &ref
	}
	f.Relationship = record.Relationship(q.Get("relationship"))
	ls, next, err := a.Records.List(r.Context(), aims.ActorFrom(r.Context()).OrgID, f, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*record.Link]{Items: items(ls), NextCursor: next})
}

func (a *API) createLink(w http.ResponseWriter, r *http.Request) error {
	var req record.NewLink
	if err := decode(w, r, &req); err != nil {
		return err
	}
	l, err := a.Records.Link(r.Context(), aims.ActorFrom(r.Context()).OrgID, req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/links/"+l.ID)
	return writeJSON(w, http.StatusCreated, l)
}

func (a *API) getLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Link")
	if err != nil {
		return err
	}
	l, err := a.Records.Get(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}

func (a *API) deleteLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Link")
	if err != nil {
		return err
	}
	if err := a.Records.Unlink(r.Context(), aims.ActorFrom(r.Context()).OrgID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// relationshipJSON is one relationship and the record types it joins.
type relationshipJSON struct {
	Relationship record.Relationship `json:"relationship"`
	Label        string              `json:"label"`
	Inverse      string              `json:"inverse"`
	From         []record.Type       `json:"from"`
	To           []record.Type       `json:"to"`
	OnDeleteTo   string              `json:"on_delete_to"`
}

// listRelationships answers GET /api/v1/relationships: the relationships a link may have, with the record
// types at each end (every type when a list is all of them) and what deleting the "to" record does.
func (a *API) listRelationships(w http.ResponseWriter, r *http.Request) error {
	out := make([]relationshipJSON, 0, len(record.Rules))
	for _, rule := range record.Rules {
		j := relationshipJSON{Relationship: rule.Relationship, Label: rule.Label, Inverse: rule.Inverse,
			From: typesOrAll(rule.From), To: typesOrAll(rule.To), OnDeleteTo: "remove"}
		if rule.OnDeleteTo == record.Refuse {
			j.OnDeleteTo = "refuse"
		}
		out = append(out, j)
	}
	return writeJSON(w, http.StatusOK, List[relationshipJSON]{Items: out})
}

func typesOrAll(ts []record.Type) []record.Type {
	if ts == nil {
		return record.Types
	}
	return ts
}
