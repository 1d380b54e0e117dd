package framework

import "sort"

// Node is a requirement in a framework's tree: its depth (0 for a top-level requirement) and how many
// requirements sit directly under it.
type Node struct {
	*Requirement
	Depth    int `json:"depth"`
	Children int `json:"children"`
}

// Tree returns a framework's requirements in tree order: each requirement followed by the requirements
// whose ParentRef names it, depth first, siblings by position. A requirement whose parent is not in the
// framework is placed at the top level, so that nothing is lost.
func Tree(reqs []*Requirement) []Node {
	byRef := make(map[string]*Requirement, len(reqs))
	for _, r := range reqs {
		byRef[r.Ref] = r
	}
	children := map[string][]*Requirement{}
	var roots []*Requirement
	for _, r := range reqs {
		if p := r.ParentRef; p != "" && p != r.Ref && byRef[p] != nil {
			children[p] = append(children[p], r)
		} else {
			roots = append(roots, r)
		}
	}
	byPos := func(rs []*Requirement) {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].Position < rs[j].Position })
	}
	byPos(roots)
	out := make([]Node, 0, len(reqs))
	seen := make(map[string]bool, len(reqs))
	var visit func(r *Requirement, depth int)
	visit = func(r *Requirement, depth int) {
		if seen[r.Ref] {
			return
		}
		seen[r.Ref] = true
		kids := children[r.Ref]
		byPos(kids)
		out = append(out, Node{Requirement: r, Depth: depth, Children: len(kids)})
		for _, k := range kids {
			visit(k, depth+1)
		}
	}
	for _, r := range roots {
		visit(r, 0)
	}
	// Requirements in a cycle of parents are reachable from no root; show them at the top level.
	for _, r := range reqs {
		if !seen[r.Ref] {
			visit(r, 0)
		}
	}
	return out
}

// Ancestors returns the chain of requirements above ref in reqs, from the top level down, not including
// ref itself.
func Ancestors(reqs []*Requirement, ref string) []*Requirement {
	byRef := make(map[string]*Requirement, len(reqs))
	for _, r := range reqs {
		byRef[r.Ref] = r
	}
	var chain []*Requirement
	seen := map[string]bool{ref: true}
	for r := byRef[ref]; r != nil && r.ParentRef != "" && !seen[r.ParentRef]; {
		p := byRef[r.ParentRef]
		if p == nil {
			break
		}
		seen[p.Ref] = true
		chain = append([]*Requirement{p}, chain...)
		r = p
	}
	return chain
}
