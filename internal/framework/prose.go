package framework

import (
	"regexp"
	"strings"

	"github.com/aimsproject/aims/internal/framework/oscal"
)

// statement returns the text of the "statement" parts among parts: their prose and the prose of their
// items, each item on its own line after its label and indented by its depth, with parameters filled in
// as people read them in the published text.
func statement(parts []*oscal.Part, params map[string]*oscal.Param) string {
	var lines []string
	var walk func(p *oscal.Part, depth int)
	walk = func(p *oscal.Part, depth int) {
		prose := strings.TrimSpace(insertParams(p.Prose, params, 0))
		label := oscal.Label(p.Props)
		if prose != "" || label != "" {
			line := strings.TrimSpace(label + " " + prose)
			lines = append(lines, strings.Repeat("  ", depth)+line)
		}
		for _, sub := range p.Parts {
			d := depth
			if label != "" || prose != "" {
				d++
			}
			walk(sub, d)
		}
	}
	for _, p := range parts {
		if p.Name == "statement" && (p.NS == "" || p.NS == oscal.NISTNS) {
			walk(p, 0)
		}
	}
	return strings.Join(lines, "\n")
}

var insertPattern = regexp.MustCompile(`\{\{\s*insert:\s*param\s*,\s*([^\s}]+)\s*\}\}`)

// insertParams replaces {{ insert: param, ID }} with the parameter's values, its selection or its label.
func insertParams(s string, params map[string]*oscal.Param, depth int) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return insertPattern.ReplaceAllStringFunc(s, func(m string) string {
		id := insertPattern.FindStringSubmatch(m)[1]
		p := params[id]
		switch {
		case p == nil:
			return "[Assignment: " + id + "]"
		case len(p.Values) > 0:
			return strings.Join(p.Values, ", ")
		case p.Select != nil && len(p.Select.Choice) > 0:
			choices := make([]string, len(p.Select.Choice))
			for i, c := range p.Select.Choice {
				if depth < 3 {
					c = insertParams(c, params, depth+1)
				}
				choices[i] = strings.TrimSpace(c)
			}
			how := ""
			if p.Select.HowMany == "one-or-more" {
				how = " (one or more)"
			}
			return "[Selection" + how + ": " + strings.Join(choices, "; ") + "]"
		case p.Label != "":
			return "[Assignment: " + p.Label + "]"
		}
		return "[Assignment: " + id + "]"
	})
}
