package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/record"
)

// The trend charts' size, in SVG units, and their margins.
const (
	trendW, trendH = 320.0, 120.0
	trendPadX      = 36.0
	trendPadY      = 14.0
)

// Trend is one metric over a system's runs, drawn on the server as SVG: a line through the finite values
// and a dot per run (a hollow dot at the foot of the chart for a value that is not a number).
type Trend struct {
	Title      string
	Points     string
	Dots       []TrendDot
	YMin, YMax string
	Latest     string
	FirstAt    string
	LastAt     string
	W, H       float64
	// Axis is the y of the chart's foot, for its base line.
	Axis, Right float64
}

// TrendDot is one run's value: where it is drawn and what its tooltip says.
type TrendDot struct {
	X, Y   float64
	Label  string
	RunID  string
	NotNum bool
}

func trendOf(sr evaluation.Series) Trend {
	t := Trend{Title: sr.Tool + " · " + sr.Name, W: trendW, H: trendH, Axis: trendH - trendPadY, Right: trendW - 6}
	if sr.Task != "" {
		t.Title = sr.Tool + " · " + sr.Task + " · " + sr.Name
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range sr.Points {
		if p.Value.Finite() {
			lo, hi = math.Min(lo, p.Value.V), math.Max(hi, p.Value.V)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	if lo >= 0 && hi <= 1 && !strings.Contains(sr.Name, "stderr") {
		lo, hi = 0, 1 // rates and scores keep their whole scale, so that a drop looks like one
	}
	if hi == lo {
		hi = lo + 1
	}
	n := len(sr.Points)
	var pts []string
	for i, p := range sr.Points {
		x := trendPadX
		if n > 1 {
			x += float64(i) * (trendW - trendPadX - 10) / float64(n-1)
		} else {
			x = (trendW + trendPadX) / 2
		}
		d := TrendDot{X: round1(x), RunID: p.RunID, Label: p.At.Format("2006-01-02") + ": " + p.Value.String()}
		if p.Value.Finite() {
			d.Y = round1(trendPadY + (1-(p.Value.V-lo)/(hi-lo))*(trendH-2*trendPadY))
			pts = append(pts, fmt.Sprintf("%g,%g", d.X, d.Y))
		} else {
			d.Y, d.NotNum = trendH-trendPadY, true
		}
		t.Dots = append(t.Dots, d)
	}
	t.Points = strings.Join(pts, " ")
	t.YMin, t.YMax = short(lo), short(hi)
	if n > 0 {
		t.Latest = sr.Points[n-1].Value.String()
		t.FirstAt, t.LastAt = sr.Points[0].At.Format("2006-01-02"), sr.Points[n-1].At.Format("2006-01-02")
	}
	return t
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func short(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }

// endOf is the run as a record's end, for its record cards.
func endOf(r *evaluation.Run) record.End {
	return record.End{Type: record.TypeEvaluation, ID: r.ID, Title: r.Tool + " run of " + r.SystemName}
}
