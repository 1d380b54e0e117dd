package risk

import (
	"context"
	"fmt"
	"html/template"
	"strings"
)

// HeatMap counts risks by likelihood and consequence on the current criteria's matrix.
type HeatMap struct {
	Criteria *Criteria
	Residual bool
	// Counts[l][c] is how many risks are rated likelihood l+1 and (worst) consequence c+1.
	Counts [][]int
	Total  int
}

// HeatMap counts the risks of orgID that f selects by their inherent rating, or their residual one, on
// the current criteria: the open ones, unless f asks for a status. A rating outside the current scales
// (made with older criteria) is left out.
func (s *Service) HeatMap(ctx context.Context, orgID string, f Filter, residual bool) (*HeatMap, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if f.Status == "" {
		f.Open = true
	}
	f.Today = s.today()
	c, err := s.Criteria(ctx, orgID)
	if err != nil {
		return nil, err
	}
	cells, err := s.store.RiskCells(ctx, orgID, f, residual)
	if err != nil {
		return nil, err
	}
	h := &HeatMap{Criteria: c, Residual: residual, Counts: make([][]int, len(c.Likelihood))}
	for i := range h.Counts {
		h.Counts[i] = make([]int, len(c.Consequence))
	}
	for _, cell := range cells {
		if cell.Likelihood >= 1 && cell.Likelihood <= len(c.Likelihood) && cell.Consequence >= 1 && cell.Consequence <= len(c.Consequence) {
			h.Counts[cell.Likelihood-1][cell.Consequence-1] += cell.Count
			h.Total += cell.Count
		}
	}
	return h, nil
}

// levelColors are the fills of the levels, lowest first, spread over as many as the criteria have.
var levelColors = []string{"#d9f2e3", "#fcefc7", "#fbd5b5", "#f5b5b5", "#e88a8a", "#d65f5f", "#b83c3c", "#8f2424"}

// LevelShade returns the shade of level key: its place in the palette, the levels spread over it from
// the lightest (0) to the darkest (7); -1 for none. Pages colour a level by the class level-N.
func (c *Criteria) LevelShade(key string) int {
	i, n := c.Rank(key), len(c.Levels)
	switch {
	case i < 0:
		return -1
	case n == 1:
		return 0
	}
	return i * (len(levelColors) - 1) / (n - 1)
}

// LevelColor returns the fill of level key.
func (c *Criteria) LevelColor(key string) string {
	if i := c.LevelShade(key); i >= 0 {
		return levelColors[i]
	}
	return "#eeeeee"
}

// SVG draws the heat map: likelihood up the side (highest at the top), consequence along the bottom, each
// cell coloured by its level and showing its count; a cell with risks links to href(l, c) (1-based).
// It is accessible: a title, and each cell's label says what it holds.
func (h *HeatMap) SVG(title string, href func(l, c int) string) template.HTML {
	const cell, left, top, bottom = 56, 120, 8, 64
	c := h.Criteria
	nl, nc := len(c.Likelihood), len(c.Consequence)
	w, ht := left+nc*cell+8, top+nl*cell+bottom
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 %d %d" role="img" aria-labelledby="hm-%s">`, w, ht, esc(id(title)))
	fmt.Fprintf(&b, `<title id="hm-%s">%s</title>`, esc(id(title)), esc(title))
	for li := 0; li < nl; li++ {
		y := top + (nl-1-li)*cell
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="hm-axis">%s</text>`, left-6, y+cell/2+4, esc(c.Likelihood[li].Label))
		for ci := 0; ci < nc; ci++ {
			x := left + ci*cell
			level := c.Level(c.Matrix[li][ci])
			n := h.Counts[li][ci]
			label := fmt.Sprintf("Likelihood %s, consequence %s: %s, %d risk(s)", c.Likelihood[li].Label, c.Consequence[ci].Label, level.Name, n)
			rect := fmt.Sprintf(`<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#ffffff" stroke-width="2"><title>%s</title></rect>`,
				x, y, cell, cell, c.LevelColor(level.Key), esc(label))
			count := ""
			if n > 0 {
				ink := "#111827" // dark on the light shades, white on the dark ones
				if c.LevelShade(level.Key) >= 5 {
					ink = "#ffffff"
				}
				count = fmt.Sprintf(`<text x="%d" y="%d" text-anchor="middle" class="hm-count" fill="%s">%d</text>`, x+cell/2, y+cell/2+6, ink, n)
			}
			if n > 0 && href != nil {
				fmt.Fprintf(&b, `<a href="%s" aria-label="%s">%s%s</a>`, esc(href(li+1, ci+1)), esc(label), rect, count)
			} else {
				b.WriteString(rect + count)
			}
		}
	}
	for ci := 0; ci < nc; ci++ {
		x := left + ci*cell + cell/2
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" transform="rotate(-35 %d %d)" class="hm-axis">%s</text>`,
			x, top+nl*cell+14, x, top+nl*cell+14, esc(c.Consequence[ci].Label))
	}
	fmt.Fprintf(&b, `<text x="4" y="%d" class="hm-axis-title">Likelihood ↑</text>`, top+12)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="hm-axis-title">Consequence →</text>`, w-4, ht-4)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// id makes an element id of s.
func id(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}
