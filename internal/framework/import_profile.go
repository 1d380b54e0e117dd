package framework

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework/oscal"
)

// How an OSCAL profile becomes a framework. Each import of the profile is resolved against a catalog:
//
//  1. the catalog given with the import (ImportRequest.CatalogData), for every import of the profile; or
//  2. the organization's framework named by ImportRequest.CatalogKey; or
//  3. one of the organization's imported OSCAL catalogs that the import's href names: directly, or
//     through the back-matter resource it points to ("#uuid"), whose title matches the framework's name or
//     whose rlinks' file name matches the file the framework was imported from, or the key that file name
//     gives (NIST_SP-800-53_rev5_catalog.json -> nist_sp-800-53_rev5_catalog).
//
// The controls it selects (include-all; include-controls with-ids or matching patterns, with their child
// controls when with-child-controls is "yes"; less exclude-controls) become the framework's
// requirements, with the groups they sit in unless the profile's merge is "flat". A selected control
// whose parent control is not selected moves up to the nearest requirement that is. Against a catalog
// given as a file, or imported from OSCAL (which keeps each requirement's OSCAL id), with-ids match
// control ids exactly; against a framework that came another way (CSV), whose requirements aims knows by
// ref only, an id matches a ref that equals it ignoring case, or that is the id in SP 800-53's label style
// ("ac-2.1" is "AC-2(1)"). A selected id the catalog lacks refuses the import. Profile
// modifications (set-parameters, alters) are not applied, and a profile importing another profile is not
// resolved.

// profileSource is a catalog a profile selects from.
type profileSource struct {
	name    string
	hash    string
	reqs    []*Requirement
	ids     map[string]string // ref -> OSCAL id, when the catalog came as a document
	byID    map[string]*Requirement
	control map[string]bool // ref -> is a control
}

func (s *Service) resolveProfile(ctx context.Context, req *ImportRequest, p *oscal.Profile) (*Framework, []*Requirement, string, error) {
	req.stage(StageResolving)
	flat := p.Merge != nil && p.Merge.Flat != nil
	var given *profileSource
	if req.CatalogData != nil {
		doc, err := s.oscal.Parse(req.CatalogData)
		if err != nil {
			return nil, nil, "", fromInvalid(err, "The catalog given with the profile: ")
		}
		if doc.Catalog == nil {
			return nil, nil, "", aims.FieldError("catalog", "The catalog given with the profile is not a catalog; resolve the profile it names first.")
		}
		cv, err := convertCatalog(doc.Catalog)
		if err != nil {
			return nil, nil, "", err
		}
		sum := sha256.Sum256(req.CatalogData)
		given = &profileSource{name: strings.TrimSpace(doc.Catalog.Metadata.Title), hash: hex.EncodeToString(sum[:]),
			reqs: cv.reqs, ids: cv.ids, byID: cv.byID, control: cv.control}
	}
	var out []*Requirement
	var names, hashes []string
	have := map[string]bool{}
	for i, imp := range p.Imports {
		src := given
		if src == nil {
			var err error
			if src, err = s.storedSource(ctx, req, p, imp, i); err != nil {
				return nil, nil, "", err
			}
		}
		req.stage(StageConverting)
		reqs, err := selectControls(src, imp, i, flat)
		if err != nil {
			return nil, nil, "", err
		}
		for _, r := range reqs {
			if !have[r.Ref] {
				have[r.Ref] = true
				out = append(out, r)
			}
		}
		names, hashes = append(names, fmt.Sprintf("%q", src.name)), append(hashes, src.hash)
	}
	f := frameworkOf(p.Metadata)
	f.Kind = KindOSCAL
	f.Source = fmt.Sprintf("OSCAL profile %s(uuid %s), resolved against %s", quoted(req.Filename), p.UUID, strings.Join(names, ", "))
	return f, out, strings.Join(hashes, ","), nil
}

var sourceFile = regexp.MustCompile(`^OSCAL catalog "([^"]+)"`)

// storedSource finds the organization's framework that a profile's import names.
func (s *Service) storedSource(ctx context.Context, req *ImportRequest, p *oscal.Profile, imp oscal.Import, i int) (*profileSource, error) {
	var f *Framework
	if req.CatalogKey != "" {
		var err error
		if f, err = s.Framework(ctx, req.OrgID, req.CatalogKey); err != nil {
			if aims.ErrorCode(err) == aims.ENOTFOUND {
				return nil, aims.FieldError("catalog", "There is no framework %q to resolve the profile against.", req.CatalogKey)
			}
			return nil, err
		}
	} else {
		ptr := fmt.Sprintf("/profile/imports/%d/href", i)
		var titles, files []string
		if id, ok := strings.CutPrefix(imp.Href, "#"); ok {
			res := p.BackMatter.Resource(id)
			if res == nil {
				return nil, importError("The profile's import cannot be resolved; nothing was imported.",
					[]Issue{{Pointer: ptr, Message: fmt.Sprintf("the profile has no back-matter resource %q", id)}})
			}
			titles = append(titles, res.Title)
			for _, l := range res.RLinks {
				files = append(files, l.Href)
			}
		} else {
			files = append(files, imp.Href)
		}
		fws, err := s.Frameworks(ctx, req.OrgID)
		if err != nil {
			return nil, err
		}
		f = matchCatalog(fws, titles, files)
		if f == nil {
			what := imp.Href
			for i := len(files) - 1; i >= 0; i-- { // the JSON rendition if there is one, else the first
				if i == 0 || strings.EqualFold(path.Ext(stripQuery(files[i])), ".json") {
					what = path.Base(stripQuery(files[i]))
					break
				}
			}
			return nil, importError("The catalog the profile selects from is not among your imported frameworks; nothing was imported.",
				[]Issue{{Pointer: ptr, Message: fmt.Sprintf("the profile imports %s: import that catalog first, or give it with the profile (aims framework import --catalog FILE, or ?catalog=KEY in the API)", what)}})
		}
	}
	reqs, err := s.store.Requirements(ctx, req.OrgID, f.ID)
	if err != nil {
		return nil, err
	}
	src := &profileSource{name: f.Name, hash: f.SourceHash, reqs: reqs, control: map[string]bool{}}
	if src.hash == "" {
		src.hash = f.ID
	}
	for _, r := range reqs {
		src.control[r.Ref] = r.Kind == ReqControl || r.Assessable
		if r.SourceID != "" {
			// Imported from OSCAL: the profile's ids match exactly.
			if src.byID == nil {
				src.byID, src.ids = map[string]*Requirement{}, map[string]string{}
			}
			src.byID[r.SourceID], src.ids[r.Ref] = r, r.SourceID
		}
	}
	return src, nil
}

// matchCatalog returns the organization's own framework that titles or files name, or nil.
func matchCatalog(fws []*Framework, titles, files []string) *Framework {
	for _, f := range fws {
		if f.Builtin() {
			continue
		}
		for _, t := range titles {
			if t = strings.TrimSpace(t); t != "" && strings.EqualFold(t, f.Name) {
				return f
			}
		}
		imported := ""
		if m := sourceFile.FindStringSubmatch(f.Source); m != nil {
			imported = stem(m[1])
		}
		for _, file := range files {
			st := stem(stripQuery(file))
			if st == "" {
				continue
			}
			if Slug(st) == f.Key || strings.EqualFold(st, imported) {
				return f
			}
		}
	}
	return nil
}

func stem(file string) string {
	b := path.Base(file)
	if b == "." || b == "/" {
		return ""
	}
	return strings.TrimSuffix(b, path.Ext(b))
}

func stripQuery(href string) string {
	if i := strings.IndexAny(href, "?#"); i >= 0 {
		return href[:i]
	}
	return href
}

// find returns the ref of the control a profile names by id.
func (src *profileSource) find(id string) (string, bool) {
	if r := src.byID[id]; r != nil {
		return r.Ref, true
	}
	if src.ids != nil {
		return "", false // a document's ids are exact
	}
	label := nistLabel(id)
	for _, r := range src.reqs {
		if strings.EqualFold(r.Ref, id) || strings.EqualFold(r.Ref, label) {
			return r.Ref, true
		}
	}
	return "", false
}

// idOf returns the OSCAL id of ref as well as aims knows it.
func (src *profileSource) idOf(ref string) string {
	if id := src.ids[ref]; id != "" {
		return id
	}
	return strings.ToLower(ref)
}

// nistLabel returns an SP 800-53 control id in its label style: "ac-2.1" is "AC-2(1)".
func nistLabel(id string) string {
	fam, rest, ok := strings.Cut(id, "-")
	if !ok {
		return strings.ToUpper(id)
	}
	parts := strings.Split(rest, ".")
	label := strings.ToUpper(fam) + "-" + parts[0]
	for _, p := range parts[1:] {
		label += "(" + p + ")"
	}
	return label
}

// selectControls applies one import's selection to src and returns the selected requirements (copies),
// in the catalog's order, with the groups they sit in unless flat.
func selectControls(src *profileSource, imp oscal.Import, i int, flat bool) ([]*Requirement, error) {
	kids := map[string][]string{}
	for _, r := range src.reqs {
		if r.ParentRef != "" {
			kids[r.ParentRef] = append(kids[r.ParentRef], r.Ref)
		}
	}
	selected := map[string]bool{}
	var mark func(ref string, on, children bool)
	mark = func(ref string, on, children bool) {
		if on {
			selected[ref] = true
		} else {
			delete(selected, ref)
		}
		if children {
			for _, k := range kids[ref] {
				if src.control[k] {
					mark(k, on, true)
				}
			}
		}
	}
	var issues []Issue
	apply := func(scs []oscal.SelectControl, what string, on bool) {
		for j, sc := range scs {
			children := sc.WithChildControls == "yes"
			for k, id := range sc.WithIDs {
				ref, ok := src.find(id)
				if !ok {
					if len(issues) < maxIssues {
						issues = append(issues, Issue{Pointer: fmt.Sprintf("/profile/imports/%d/%s/%d/with-ids/%d", i, what, j, k),
							Message: fmt.Sprintf("%q has no control %q", src.name, id)})
					}
					continue
				}
				mark(ref, on, children)
			}
			for _, m := range sc.Matching {
				for _, r := range src.reqs {
					if ok, _ := path.Match(m.Pattern, src.idOf(r.Ref)); ok && src.control[r.Ref] {
						mark(r.Ref, on, children)
					}
				}
			}
		}
	}
	if imp.IncludeAll != nil {
		for _, r := range src.reqs {
			if src.control[r.Ref] {
				selected[r.Ref] = true
			}
		}
	}
	apply(imp.IncludeControls, "include-controls", true)
	apply(imp.ExcludeControls, "exclude-controls", false)
	if len(issues) > 0 {
		return nil, importError("The profile selects controls the catalog does not have; nothing was imported.", issues)
	}
	if len(selected) == 0 {
		return nil, importError("The profile selects no controls; nothing was imported.",
			[]Issue{{Pointer: fmt.Sprintf("/profile/imports/%d", i), Message: fmt.Sprintf("no control of %q is selected", src.name)}})
	}
	return keepSelected(src.reqs, selected, flat), nil
}

// keepSelected returns copies of the selected requirements and, unless flat, of the groups above them,
// each placed under its nearest kept ancestor.
func keepSelected(reqs []*Requirement, selected map[string]bool, flat bool) []*Requirement {
	byRef := map[string]*Requirement{}
	for _, r := range reqs {
		byRef[r.Ref] = r
	}
	keep := map[string]bool{}
	for ref := range selected {
		keep[ref] = true
		if flat {
			continue
		}
		seen := map[string]bool{ref: true}
		for p := byRef[byRef[ref].ParentRef]; p != nil && !seen[p.Ref]; p = byRef[p.ParentRef] {
			seen[p.Ref] = true
			if p.Kind == ReqGroup || !p.Assessable {
				keep[p.Ref] = true
			}
		}
	}
	var out []*Requirement
	for _, r := range reqs {
		if !keep[r.Ref] {
			continue
		}
		c := *r
		c.ID, c.FrameworkID, c.FrameworkKey, c.Position, c.Guidance = "", "", "", 0, nil
		c.ParentRef = ""
		seen := map[string]bool{r.Ref: true}
		for p := byRef[r.ParentRef]; p != nil && !seen[p.Ref]; p = byRef[p.ParentRef] {
			seen[p.Ref] = true
			if keep[p.Ref] {
				c.ParentRef = p.Ref
				break
			}
		}
		out = append(out, &c)
	}
	return out
}
