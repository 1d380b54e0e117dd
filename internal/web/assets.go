package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// files holds the templates and static files, compiled into the binary so that aims runs offline and
// from a single file.
//
//go:embed templates static
var files embed.FS

// asset is one static file, served under a name that carries a hash of its content.
type asset struct {
	body        []byte
	contentType string
}

// assets maps static files' plain names (app.css) to their hashed URLs (/static/app.1a2b3c4d.css) and
// those back to the files. A changed file gets a new URL, so browsers may cache every URL for a year.
type assets struct {
	urls   map[string]string
	byName map[string]asset
}

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{urls: map[string]string{}, byName: map[string]asset{}}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", p, err)
		}
		sum := sha256.Sum256(body)
		name := path.Base(p)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.urls[name] = "/static/" + hashed
		a.byName[hashed] = asset{body: body, contentType: ct}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: cannot load static files: %w", err)
	}
	return a, nil
}

// url returns the hashed URL of the static file name; an unknown name fails the template that asks.
func (a *assets) url(name string) (string, error) {
	u, ok := a.urls[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return u, nil
}

// static serves a static file by its hashed name, cacheable for a year because the name changes with the
// content.
func (w *Web) static(rw http.ResponseWriter, r *http.Request, _ *visit) error {
	f, ok := w.assets.byName[r.PathValue("file")]
	if !ok {
		return errNotFound
	}
	h := rw.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = rw.Write(f.body)
	return nil
}

// pageNames lists every page template; New fails if one is missing or does not define "page".
var pageNames = []string{
	"login", "login_totp", "invitation", "dashboard", "area", "members", "tokens", "token_created", "activity",
	"account", "totp_setup", "settings", "error",
	"planning", "soa", "control", "ai_roles", "soa_versions", "soa_version", "soa_diff", "coverage", "clauses",
	"frameworks", "framework", "requirement",
	"systems", "system", "system_form", "classification",
	"system_card", "model_card",
	"system_bom",
	"components", "component", "component_form", "systems_import", "system_components",
	"my_work", "webhooks", "risks", "risk", "risk_form", "risk_criteria", "risks_import", "gate", "gate_policy", "readiness_systems", "readiness_mapped", "evaluation_compare",
	"impacts", "impact", "impact_form",
	"evidence_list", "evidence",
	"evaluations", "evaluation",
}

// parsePages parses the shared layout once and each page on a clone of it, so that every page can define
// its own "title" and "content".
func parsePages(fsys fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(fsys, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: cannot parse the layout templates: %w", err)
	}
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("web: cannot clone the layout for %s: %w", name, err)
		}
		if t, err = t.ParseFS(fsys, "templates/pages/"+name+".html"); err != nil {
			return nil, fmt.Errorf("web: cannot parse page %s: %w", name, err)
		}
		if t.Lookup("page") == nil {
			return nil, fmt.Errorf("web: page template %s does not define \"page\"", name)
		}
		pages[name] = t
	}
	return pages, nil
}
