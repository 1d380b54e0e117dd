package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// listRequirements answers a framework's requirements in tree order, each with its depth, a page at a
// time; with q, only those that match the search, still in tree order.
func (a *API) listRequirements(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	if _, _, _, err := aims.PageSlice(p, 0); err != nil {
		return err // a bad cursor, before the work
	}
	ctx, org := r.Context(), aims.ActorFrom(r.Context()).OrgID
	f, err := a.Frameworks.Framework(ctx, org, r.PathValue("key"))
	if err != nil {
		return err
	}
	nodes, err := a.Frameworks.Tree(ctx, org, f)
	if err != nil {
		return err
	}
	if q, ok := r.URL.Query()["q"]; ok {
		found, err := a.Frameworks.Search(ctx, org, f, q[0], framework.MaxSearchResults)
		if err != nil {
			return err
		}
		match := make(map[string]bool, len(found))
		for _, x := range found {
			match[x.ID] = true
		}
		kept := nodes[:0]
		for _, n := range nodes {
			if match[n.ID] {
				kept = append(kept, n)
			}
		}
		nodes = kept
	}
	from, to, next, err := aims.PageSlice(p, len(nodes))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[framework.Node]{Items: items(nodes[from:to]), NextCursor: next})
}

func (a *API) getRequirement(w http.ResponseWriter, r *http.Request) error {
	d, err := a.Frameworks.Requirement(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.PathValue("key"), r.PathValue("ref"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

// search finds requirements across every framework the organization sees, or one with ?framework=KEY.
func (a *API) search(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	limit := p.Limit
	if limit == 0 {
		limit = 50
	}
	ctx, org := r.Context(), aims.ActorFrom(r.Context()).OrgID
	var f *framework.Framework
	if key := r.URL.Query().Get("framework"); key != "" {
		if f, err = a.Frameworks.Framework(ctx, org, key); err != nil {
			if aims.ErrorCode(err) == aims.ENOTFOUND {
				return aims.FieldError("framework", "There is no framework %q.", key)
			}
			return err
		}
	}
	found, err := a.Frameworks.Search(ctx, org, f, r.URL.Query().Get("q"), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*framework.Requirement]{Items: items(found)})
}
