package web

import (
	"net/http"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// FrameworkPage shows a framework's requirements as a tree, or those that match a search.
type FrameworkPage struct {
	Layout
	catalogLinks
	Framework *framework.Framework
	Nodes     []framework.Node
	// Query is the search; Matches how many requirements it found (Nodes holds them).
	Query   string
	Matches int
	Err     *FormError
	// CanDelete is set for the organization's own frameworks when the visitor may delete them.
	CanDelete bool
	DeleteErr *FormError
}

// Depth returns n's indentation class, capped so that deep trees stay readable.
func (FrameworkPage) Depth(n framework.Node) int { return min(n.Depth, 6) }

func (w *Web) frameworkPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderFramework(rw, r, v, http.StatusOK, nil)
}

func (w *Web) renderFramework(rw http.ResponseWriter, r *http.Request, v *visit, status int, deleteErr *FormError) error {
	ctx := r.Context()
	f, err := w.Frameworks.Framework(ctx, v.org.ID, r.PathValue("key"))
	if err != nil {
		return err
	}
	nodes, err := w.Frameworks.Tree(ctx, v.org.ID, f)
	if err != nil {
		return err
	}
	p := FrameworkPage{Layout: w.layout(rw, r, v, f.Name, "/frameworks"), Framework: f, Nodes: nodes,
		CanDelete: !f.Builtin() && v.may(aims.ActionDelete, aims.ResFramework), DeleteErr: deleteErr}
	if q, ok := r.URL.Query()["q"]; ok && status == http.StatusOK {
		p.Query = strings.TrimSpace(q[0])
		found, err := w.Frameworks.Search(ctx, v.org.ID, f, p.Query, framework.MaxSearchResults)
		if err != nil {
			fe, st, ok := formError(err, "q")
			if !ok {
				return err
			}
			p.Err, status = fe, st
		} else {
			match := make(map[string]bool, len(found))
			for _, x := range found {
				match[x.ID] = true
			}
			var kept []framework.Node
			for _, n := range nodes {
				if match[n.ID] {
					kept = append(kept, n)
				}
			}
			p.Nodes, p.Matches = kept, len(kept)
		}
	}
	return w.render(rw, r, status, "framework", p)
}
