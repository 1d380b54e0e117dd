package web

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestTemplatesFailAtStartUp(t *testing.T) {
	t.Parallel()
	layout := `{{define "app"}}<main>{{template "content" .}}</main>{{end}}`
	page := func(name string) string {
		return `{{define "page"}}{{template "app" .}}{{end}}{{define "content"}}` + name + `{{end}}`
	}
	whole := func() fstest.MapFS {
		fsys := fstest.MapFS{"templates/layout/base.html": {Data: []byte(layout)}}
		for _, n := range pageNames {
			fsys["templates/pages/"+n+".html"] = &fstest.MapFile{Data: []byte(page(n))}
		}
		return fsys
	}
	funcs := (&Web{}).funcs()

	t.Run("every page parses", func(t *testing.T) {
		if _, err := parsePages(whole(), funcs); err != nil {
			t.Fatal(err)
		}
	})
	cases := []struct {
		name   string
		breaks func(fstest.MapFS)
		says   string
	}{
		{"a missing page", func(fs fstest.MapFS) { delete(fs, "templates/pages/members.html") }, "cannot parse page members"},
		{"a page with a syntax error", func(fs fstest.MapFS) {
			fs["templates/pages/tokens.html"] = &fstest.MapFile{Data: []byte(`{{define "page"}}{{if}}{{end}}`)}
		}, "cannot parse page tokens"},
		{"a page without a page template", func(fs fstest.MapFS) {
			fs["templates/pages/activity.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}x{{end}}`)}
		}, `activity does not define "page"`},
		{"a missing layout", func(fs fstest.MapFS) { delete(fs, "templates/layout/base.html") }, "cannot parse the layout"},
		{"an unknown function", func(fs fstest.MapFS) {
			fs["templates/pages/login.html"] = &fstest.MapFile{Data: []byte(`{{define "page"}}{{nosuch}}{{end}}`)}
		}, "cannot parse page login"},
	}
	for _, c := range cases {
		t.Run(c.name+" fails", func(t *testing.T) {
			fsys := whole()
			c.breaks(fsys)
			_, err := parsePages(fsys, funcs)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("got %v, want an error saying %q", err, c.says)
			}
		})
	}
	t.Run("the embedded templates parse", func(t *testing.T) {
		a, err := loadAssets(files)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parsePages(files, (&Web{assets: a}).funcs()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStaticURLsCarryTheContentHash(t *testing.T) {
	t.Parallel()
	one, err := loadAssets(fstest.MapFS{"static/app.css": {Data: []byte("a{}")}})
	if err != nil {
		t.Fatal(err)
	}
	two, err := loadAssets(fstest.MapFS{"static/app.css": {Data: []byte("b{}")}})
	if err != nil {
		t.Fatal(err)
	}
	u1, _ := one.url("app.css")
	u2, _ := two.url("app.css")
	if !strings.HasPrefix(u1, "/static/app.") || !strings.HasSuffix(u1, ".css") || len(u1) != len("/static/app.12345678.css") {
		t.Errorf("the URL %q does not have the form /static/app.<8 hex>.css", u1)
	}
	if u1 == u2 {
		t.Error("different content got the same URL")
	}
	if _, err := one.url("missing.css"); err == nil {
		t.Error("an unknown static file has a URL")
	}
}

func TestLocalPath(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path  string
		local bool
	}{
		{"/", true},
		{"/members", true},
		{"/activity?cursor=abc", true},
		{"", false},
		{"members", false},
		{"//evil.example", false},
		{"///evil.example", false},
		{`/\evil.example`, false},
		{`\\evil.example`, false},
		{"https://evil.example/", false},
		{"javascript:alert(1)", false},
		{"/\tevil", false},
		{"/\r\nLocation: https://evil.example", false},
		{"/" + strings.Repeat("a", 3000), false},
	}
	for _, c := range cases {
		if got := localPath(c.path); got != c.local {
			t.Errorf("localPath(%q) = %v, want %v", c.path, got, c.local)
		}
	}
}
