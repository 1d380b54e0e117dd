package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/aimsproject/aims/internal/readiness"
)

// barsSVG draws the share of ready items of each roll-up as a horizontal bar, with implemented and
// evidenced shown lighter behind it, so that a person sees at a glance which clause or group is furthest
// from the audit. Each bar links to where its items are.
func barsSVG(id, title string, rs []readiness.Rollup) template.HTML {
	const rowH, labelW, barW, pad = 24, 170, 220, 6
	h := len(rs)*rowH + pad*2
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="readiness-bars" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t">`,
		labelW+barW+60, h, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, html.EscapeString(title))
	for i, r := range rs {
		y := pad + i*rowH
		pct := func(n int) int {
			if r.Items == 0 {
				return 0
			}
			return n * barW / r.Items
		}
		if r.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, html.EscapeString(r.Href))
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" class="rb-label">%s</text>`, y+17, html.EscapeString(clip(r.Title, 25)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" rx="3" class="rb-track"/>`, labelW, y+5, barW)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" rx="3" class="rb-implemented"/>`, labelW, y+5, pct(r.Implemented))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" rx="3" class="rb-ready"><title>%s: %d of %d ready, %d implemented, %d evidenced</title></rect>`,
			labelW, y+5, pct(r.Ready), html.EscapeString(r.Title), r.Ready, r.Items, r.Implemented, r.Evidenced)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="rb-value">%d%%</text>`, labelW+barW+8, y+17, r.Percent)
		if r.Href != "" {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// trendSVG draws the share of ready items per day, oldest on the left.
func trendSVG(days []readiness.Day) template.HTML {
	const w, h, padL, padB, padT = 520, 150, 34, 22, 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="readiness-trend" viewBox="0 0 %d %d" role="img" aria-labelledby="trend-t">`, w, h)
	b.WriteString(`<title id="trend-t">Share of items ready, by day</title>`)
	plotW, plotH := w-padL-8, h-padB-padT
	for _, p := range []int{0, 50, 100} {
		y := padT + plotH - p*plotH/100
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="rt-grid"/><text x="0" y="%d" class="rt-axis">%d%%</text>`, padL, y, w-8, y, y+4, p)
	}
	if len(days) > 0 {
		step := 0
		if len(days) > 1 {
			step = plotW / (len(days) - 1)
		}
		var pts []string
		for i, d := range days {
			x := padL + i*step
			if len(days) == 1 {
				x = padL + plotW/2
			}
			y := padT + plotH - d.Percent()*plotH/100
			pts = append(pts, fmt.Sprintf("%d,%d", x, y))
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="3" class="rt-point"><title>%s: %d%% ready (%d of %d)</title></circle>`, x, y,
				html.EscapeString(d.Day), d.Percent(), d.Ready, d.Items)
		}
		fmt.Fprintf(&b, `<polyline points="%s" class="rt-line"/>`, strings.Join(pts, " "))
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="rt-axis">%s</text>`, padL, h-4, html.EscapeString(days[0].Day))
		if len(days) > 1 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="rt-axis" text-anchor="end">%s</text>`, w-8, h-4, html.EscapeString(days[len(days)-1].Day))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
