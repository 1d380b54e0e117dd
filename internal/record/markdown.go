package record

import (
	"bytes"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown turns comment text into HTML: CommonMark with tables, strikethrough, autolinks and task lists,
// raw HTML left out (goldmark's default), and the result sanitized by bluemonday's policy for
// user-generated content, so that no comment can carry script or styles into a page.
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

func newMarkdown() *markdown {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return &markdown{md: goldmark.New(goldmark.WithExtensions(extension.GFM)), policy: p}
}

// render returns the sanitized HTML of src.
func (m *markdown) render(src string) string {
	var b bytes.Buffer
	if err := m.md.Convert([]byte(src), &b); err != nil {
		// goldmark fails only when writing fails, which a bytes.Buffer does not; show the text escaped.
		return m.policy.Sanitize("<p>" + bluemonday.StrictPolicy().Sanitize(src) + "</p>")
	}
	return m.policy.Sanitize(b.String())
}
