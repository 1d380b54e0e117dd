package web

import (
	"context"
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
	// States are the organization's implementation of the requirements it implements, by ref: the
	// applicability when not applicable, else the status.
	States map[string]string
	// CanDelete is set for the organization's own frameworks when the visitor may delete them.
	CanDelete bool
	DeleteErr *FormError
}

// Depth returns n's indentation class, capped so that deep trees stay readable.
func (FrameworkPage) Depth(n framework.Node) int { return min(n.Depth, 6) }

// State returns the organization's state of the requirement ref, or "".
func (p FrameworkPage) State(ref string) string { return p.States[ref] }

// implementationStates returns the state of each requirement of the framework with key that the
// organization implements (its Annex A controls and clause items, or the controls it added to the SoA),
// by ref, in two reads however large the framework; nil when the visitor may not read controls.
func (w *Web) implementationStates(ctx context.Context, v *visit, key string) (map[string]string, error) {
	if !v.may(aims.ActionRead, aims.ResControl) {
		return nil, nil
	}
	soa, err := w.Controls.SoA(ctx, v.org.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range soa.Rows {
		if r.Framework == key {
			out[r.Ref] = stateOf(r.Applicability, r.Status)
		}
	}
	if key == framework.ISO42001 {
		cs, err := w.Controls.Clauses(ctx, v.org.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[c.Ref] = stateOf(c.Applicability, c.Status)
		}
	}
	return out, nil
}

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
	if p.States, err = w.implementationStates(ctx, v, f.Key); err != nil {
		return err
	}
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
