package syscard

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"io"
	"strings"
)

// style is the page's only styling, inline so that the file stands alone and prints well. The page's
// Content-Security-Policy allows exactly this style by its hash, and nothing else.
const style = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem;margin:0 0 .25rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1.25rem 0 .25rem}.meta{color:#57606a;margin:0 0 1rem}.intro{background:#f6f8fa;border-left:4px solid #0969da;padding:.75rem 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.pre{white-space:pre-wrap}.muted{color:#57606a;font-style:italic}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dt{font-weight:600}dd{margin:0}
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}table,tr{break-inside:avoid}.intro{border-color:#000}}
`

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>System card: {{.Name}}</title>
<style>` + style + `</style>
</head>
<body>
<header>
<h1>System card: {{.Name}}</h1>
<p class="meta">{{with .Organization}}{{.}} · {{end}}version {{.Version}} · {{label .Status}} · {{label .Stage}} · made <time datetime="{{iso .Generated}}">{{date .Generated}}</time></p>
<p class="intro">{{intro}}</p>
</header>
<main>
<section><h2>What it is for</h2>
<dl><dt>Purpose</dt><dd class="pre">{{text .Purpose}}</dd><dt>Intended use</dt><dd class="pre">{{text .IntendedUse}}</dd></dl>
</section>
<section><h2>What it must not be used for</h2><p class="pre">{{text .ForeseeableMisuse}}</p></section>
<section><h2>Who uses it and who is affected</h2>
<dl><dt>Users</dt><dd class="pre">{{text .Users}}</dd><dt>People affected</dt><dd class="pre">{{text .AffectedPeople}}</dd>
<dt>Markets</dt><dd>{{text (join .Markets)}}</dd>{{with .Environments}}<dt>Where it runs</dt><dd>{{join .}}</dd>{{end}}
<dt>Interacts with people directly</dt><dd>{{yesNo .InteractsWithPeople}}</dd><dt>Generates content</dt><dd>{{yesNo .GeneratesContent}}</dd></dl>
</section>
<section><h2>Human oversight and automation</h2>
<dl><dt>Level of automation</dt><dd class="pre">{{text .Automation}}</dd><dt>Human oversight</dt><dd class="pre">{{text .HumanOversight}}</dd></dl>
</section>
{{with .Classification}}<section id="classification"><h2>EU AI Act classification</h2>
<p><strong>Class:</strong> {{text .Class}}</p>
{{with .Reasoning}}<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .TransparencyDuties}}<h3>Transparency duties</h3><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
</section>{{end}}
<section><h2>Models and data it relies on</h2>
{{if not (or .Models .Data .Others)}}<p class="muted">No component is recorded.</p>{{end}}
{{with .Models}}<h3>Models</h3>
<table><thead><tr><th scope="col">Model</th><th scope="col">Version</th><th scope="col">Supplier</th><th scope="col">Licence</th><th scope="col">Base model</th><th scope="col">Trained on</th><th scope="col">Model card</th></tr></thead><tbody>
{{range .}}<tr><td>{{.Name}}</td><td>{{dash .Version}}</td><td>{{dash .Supplier}}</td><td>{{dash .Licence}}</td><td>{{dash .BaseModel}}</td><td>{{dash .TrainingData}}</td><td>{{if .CardVersion}}version {{.CardVersion}}, {{date .CardDate}}{{else}}—{{end}}{{with .CardURL}} <a href="{{.}}">{{.}}</a>{{end}}</td></tr>
{{end}}</tbody></table>{{end}}
{{with .Data}}<h3>Data sets</h3>
<table><thead><tr><th scope="col">Data set</th><th scope="col">Version</th><th scope="col">Supplier</th><th scope="col">Licence</th><th scope="col">Source</th><th scope="col">Role</th></tr></thead><tbody>
{{range .}}<tr><td>{{.Name}}</td><td>{{dash .Version}}</td><td>{{dash .Supplier}}</td><td>{{dash .Licence}}</td><td>{{dash .TrainingData}}</td><td>{{dash .Role}}</td></tr>
{{end}}</tbody></table>{{end}}
{{with .Others}}<h3>Other components</h3>
<table><thead><tr><th scope="col">Component</th><th scope="col">Kind</th><th scope="col">Supplier</th><th scope="col">Licence</th><th scope="col">Role</th></tr></thead><tbody>
{{range .}}<tr><td>{{.Name}}</td><td>{{label .Kind}}</td><td>{{dash .Supplier}}</td><td>{{dash .Licence}}</td><td>{{dash .Role}}</td></tr>
{{end}}</tbody></table>{{end}}
{{with .OmittedNote}}<p class="muted">{{.}}</p>{{end}}
</section>
<section id="evaluation"><h2>Evaluation results</h2>
{{with .Results}}<p>As the models' cards report them; they describe the models, not the whole system.</p>
<table><thead><tr><th scope="col">Model</th><th scope="col">Task</th><th scope="col">Data set</th><th scope="col">Metric</th><th scope="col">Value</th></tr></thead><tbody>
{{range .}}<tr><td>{{.Model}}</td><td>{{dash .Task}}</td><td>{{dash .Dataset}}</td><td>{{dash .Metric}}</td><td>{{.Value}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">No model card with evaluation results is recorded.</p>{{end}}
</section>
<section id="limitations"><h2>Known limitations and risks</h2>
{{range .Limitations}}<h3>{{.Model}}</h3><p class="pre">{{.Text}}</p>
{{else}}<p class="muted">The models' cards state no limitations. That does not mean there are none.</p>{{end}}
</section>
<section><h2>Data it handles</h2>
<ul>{{range .DataCategories}}<li>{{.}}</li>{{end}}</ul>
{{with .DataNotes}}<p class="pre">{{.}}</p>{{end}}
</section>
<section id="contact"><h2>Reporting a problem</h2><p>{{report .}}</p></section>
<section><h2>About this card</h2>
<dl><dt>AI system</dt><dd>{{.Name}} (id {{.SystemID}})</dd><dt>Version of the record</dt><dd>{{.Version}}, last changed {{date .Updated}}</dd>
<dt>Card made</dt><dd><time datetime="{{iso .Generated}}">{{stamp .Generated}}</time></dd>
{{if or .AIRole .EURole}}<dt>Role of the organization</dt><dd>{{dash (label .AIRole)}}; EU AI Act: {{dash (label .EURole)}}</dd>{{end}}</dl>
</section>
</main>
</body>
</html>
`

// Funcs are the template functions the card's HTML uses; the web UI renders the card inside the app with
// the same ones.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"label": Label,
		"yesNo": yesNo,
		"intro": func() string { return intro },
		"join":  func(xs []string) string { return strings.Join(xs, ", ") },
		"text": func(s string) string {
			if strings.TrimSpace(s) == "" {
				return notStated
			}
			return s
		},
		"dash": func(s string) string {
			if strings.TrimSpace(s) == "" {
				return "—"
			}
			return s
		},
		"report": reportText,
		"date":   func(t interface{ Format(string) string }) string { return t.Format("2 January 2006") },
		"stamp":  func(t interface{ Format(string) string }) string { return t.Format("2 January 2006, 15:04 UTC") },
		"iso":    func(t interface{ Format(string) string }) string { return t.Format("2006-01-02T15:04:05Z07:00") },
	}
}

var pageTemplate = template.Must(template.New("card").Funcs(Funcs()).Parse(page))

// WriteHTML writes the card as a self-contained HTML page: no script, no external resource, its only style
// inline and allowed by ContentSecurityPolicy. Every text is escaped.
func (c *Card) WriteHTML(w io.Writer) error {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, c); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}

// ContentSecurityPolicy is the policy to serve the HTML card with: nothing but its own inline style.
func ContentSecurityPolicy() string {
	sum := sha256.Sum256([]byte(style))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'none'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}
