package syscard

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// notStated stands for a text the inventory does not hold yet.
const notStated = "Not stated."

// mdInline escapes, anywhere in a text from the inventory or a model card, what Markdown would read as
// syntax: HTML and autolinks (<, >, & as entities, so that "<script>" stays text), link, image, footnote and
// reference syntax ([ and ]; "![x](http://...)" and "[x](javascript:...)" stay text), code (`), emphasis
// (*, _), strikethrough (~), table cells (|) and the backslash itself.
var mdInline = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `\`, `\\`, "`", "\\`", "*", `\*`,
	"_", `\_`, "~", `\~`, "[", `\[`, "]", `\]`, "|", `\|`)

// mdBlockStart matches what would start a block at the beginning of a line: a heading (# to ######), a list
// item (-, +, or a number with . or ), each followed by a space or the end), a thematic break or setext
// underline (a line of - or of =).
var mdBlockStart = regexp.MustCompile(`^(?:#{1,6}|[-+]|[0-9]{1,9}[.)])(?:[ \t]|$)|^(?:-[ \t-]*|=+[ \t]*)$`)

// mdEscapeLine escapes one line of user text for Markdown: leading white space is dropped (it would make
// code), then block syntax at its start and inline syntax anywhere are escaped.
func mdEscapeLine(line string) string {
	line = mdInline.Replace(strings.TrimLeft(line, " \t"))
	if mdBlockStart.MatchString(line) {
		if i := strings.IndexAny(line, ".)"); line[0] >= '0' && line[0] <= '9' && i > 0 {
			return line[:i] + `\` + line[i:]
		}
		return `\` + line
	}
	return line
}

// mdLines escapes every line of s for Markdown, keeping its line breaks (and so its paragraphs). A carriage
// return alone ends a line in Markdown too, so it becomes a line feed.
func mdLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n")
	for i, l := range lines {
		lines[i] = mdEscapeLine(l)
	}
	return strings.Join(lines, "\n")
}

// mdText escapes s for a Markdown paragraph, or says it is not stated.
func mdText(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "_" + notStated + "_"
	}
	return mdLines(s)
}

// mdCell escapes s for a cell of a Markdown table: one line, no bar.
func mdCell(s string) string {
	if s = mdLine(s); s == "" {
		return "—"
	}
	return s
}

// mdLine escapes s for a heading, a list item or a line of its own: one line.
func mdLine(s string) string { return mdEscapeLine(strings.Join(strings.Fields(s), " ")) }

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// WriteMarkdown writes the card as a Markdown document (CommonMark with GitHub tables).
func (c *Card) WriteMarkdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("# System card: %s\n\n", mdLine(c.Name))
	meta := []string{}
	if c.Organization != "" {
		meta = append(meta, mdLine(c.Organization))
	}
	meta = append(meta, fmt.Sprintf("version %d", c.Version), mdLine(Label(c.Status)), mdLine(Label(c.Stage)),
		"made "+c.Generated.Format("2 January 2006"))
	p("%s\n\n", strings.Join(meta, " · "))
	p("> %s\n\n", intro)

	p("## What it is for\n\n**Purpose.** %s\n\n**Intended use.** %s\n\n", mdText(c.Purpose), mdText(c.IntendedUse))
	p("## What it must not be used for\n\n%s\n\n", mdText(c.ForeseeableMisuse))

	p("## Who uses it and who is affected\n\n")
	p("- **Users:** %s\n- **People affected:** %s\n", mdLine(orNot(c.Users)), mdLine(orNot(c.AffectedPeople)))
	p("- **Markets:** %s\n", mdLine(orNot(strings.Join(c.Markets, ", "))))
	if len(c.Environments) > 0 {
		p("- **Where it runs:** %s\n", mdLine(strings.Join(c.Environments, ", ")))
	}
	p("- **Interacts with people directly:** %s\n- **Generates content:** %s\n\n", yesNo(c.InteractsWithPeople), yesNo(c.GeneratesContent))

	p("## Human oversight and automation\n\n**Level of automation.** %s\n\n**Human oversight.** %s\n\n",
		mdText(c.Automation), mdText(c.HumanOversight))

	if cl := c.Classification; cl != nil {
		p("## EU AI Act classification\n\n**Class:** %s\n\n", mdLine(orNot(cl.Class)))
		for _, r := range cl.Reasoning {
			p("- %s\n", mdLine(r))
		}
		if len(cl.Reasoning) > 0 {
			p("\n")
		}
		if len(cl.TransparencyDuties) > 0 {
			p("**Transparency duties:**\n\n")
			for _, d := range cl.TransparencyDuties {
				p("- %s\n", mdLine(d))
			}
			p("\n")
		}
	}

	p("## Models and data it relies on\n\n")
	if len(c.Models)+len(c.Data)+len(c.Others) == 0 {
		p("_No component is recorded._\n\n")
	}
	if len(c.Models) > 0 {
		p("### Models\n\n| Model | Version | Supplier | Licence | Base model | Trained on | Model card |\n|---|---|---|---|---|---|---|\n")
		for _, m := range c.Models {
			card := "—"
			if m.CardVersion > 0 {
				card = fmt.Sprintf("version %d, %s", m.CardVersion, m.CardDate.Format("2 Jan 2006"))
			}
			if m.CardURL != "" {
				card += " " + mdCell(m.CardURL)
			}
			p("| %s | %s | %s | %s | %s | %s | %s |\n", mdCell(m.Name), mdCell(m.Version), mdCell(m.Supplier), mdCell(m.Licence),
				mdCell(m.BaseModel), mdCell(m.TrainingData), card)
		}
		p("\n")
	}
	if len(c.Data) > 0 {
		p("### Data sets\n\n| Data set | Version | Supplier | Licence | Source | Role |\n|---|---|---|---|---|---|\n")
		for _, d := range c.Data {
			p("| %s | %s | %s | %s | %s | %s |\n", mdCell(d.Name), mdCell(d.Version), mdCell(d.Supplier), mdCell(d.Licence),
				mdCell(d.TrainingData), mdCell(d.Role))
		}
		p("\n")
	}
	if len(c.Others) > 0 {
		p("### Other components\n\n| Component | Kind | Supplier | Licence | Role |\n|---|---|---|---|---|\n")
		for _, o := range c.Others {
			p("| %s | %s | %s | %s | %s |\n", mdCell(o.Name), mdCell(Label(o.Kind)), mdCell(o.Supplier), mdCell(o.Licence), mdCell(o.Role))
		}
		p("\n")
	}
	if note := c.OmittedNote(); note != "" {
		p("%s\n\n", note) // our own words, the numbers and the system's id: nothing to escape
	}

	p("## Evaluation results\n\n")
	if len(c.Results) == 0 {
		p("_No model card with evaluation results is recorded._\n\n")
	} else {
		p("As the models' cards report them; they describe the models, not the whole system.\n\n")
		p("| Model | Task | Data set | Metric | Value |\n|---|---|---|---|---|\n")
		for _, r := range c.Results {
			p("| %s | %s | %s | %s | %s |\n", mdCell(r.Model), mdCell(r.Task), mdCell(r.Dataset), mdCell(r.Metric), mdCell(r.Value))
		}
		p("\n")
	}

	p("## Known limitations and risks\n\n")
	if len(c.Limitations) == 0 {
		p("_The models' cards state no limitations. That does not mean there are none._\n\n")
	}
	for _, l := range c.Limitations {
		p("### %s\n\n%s\n\n", mdLine(l.Model), mdLines(l.Text))
	}

	p("## Data it handles\n\n")
	for _, d := range c.DataCategories() {
		p("- %s\n", d)
	}
	if c.DataNotes != "" {
		p("\n%s\n", mdText(c.DataNotes))
	}
	p("\n## Reporting a problem\n\n%s\n\n", mdText(reportText(c)))

	p("## About this card\n\n- **AI system:** %s (id %s)\n- **Version of the record:** %d, last changed %s\n- **Card made:** %s\n",
		mdLine(c.Name), c.SystemID, c.Version, c.Updated.UTC().Format("2 January 2006"), c.Generated.Format("2 January 2006, 15:04 UTC"))
	if c.AIRole != "" || c.EURole != "" {
		p("- **Role of the organization:** %s\n", mdLine(strings.Trim(Label(c.AIRole)+"; EU AI Act: "+orNot(Label(c.EURole)), "; ")))
	}
	return b.Flush()
}

// intro says what a system card is, in the card itself.
const intro = "This card tells the people who use this AI system, and the people it affects, what it is for, " +
	"what it relies on, how well its models performed in evaluation, what its known limits are and whom to " +
	"contact. It is made from the organization's AI system inventory."

func orNot(s string) string {
	if strings.TrimSpace(s) == "" {
		return "Not stated"
	}
	return s
}

// reportText says whom to tell about a problem.
func reportText(c *Card) string {
	if who := c.Contact(); who != "" {
		return "Tell " + who + " about wrong, unexpected or harmful results, about a use this card does not " +
			"cover, or about anything else that worries you. Say what happened, when, and what you expected."
	}
	return "No owner or team is recorded for this system yet; tell the organization's AI management contact " +
		"about wrong, unexpected or harmful results."
}

// Report says whom to tell about a problem with the system, and what to tell them.
func (c *Card) Report() string { return reportText(c) }
