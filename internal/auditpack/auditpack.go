// Package auditpack writes the audit pack a certification body receives: the approved Statement of
// Applicability, the risk register and its treatment plan, the impact assessments in force, the
// readiness with its gaps, the documented information list, and a checkpoint of the activity trail, in
// one zip archive whose manifest gives every file's SHA-256 and size.
package auditpack

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
	"github.com/aimsproject/aims/internal/soaexport"
)

// Format and Version name the manifest.
const (
	Format  = "aims-audit-pack"
	Version = 1
)

// Part is a piece of the pack that the evidence and evaluation capabilities add: it writes its files
// through add, each under the part's own folder.
type Part func(ctx context.Context, orgID string, add func(name string, write func(io.Writer) error) error) error

// Pack is what the pack reads.
type Pack struct {
	Controls  *control.Service
	Risks     *risk.Service
	Impacts   *impact.Service
	Readiness *readiness.Service
	// Trail verifies the activity trail for the checkpoint; Key, when set, signs it.
	Trail activity.ChainReader
	Key   ed25519.PrivateKey
	// Parts are added after the built-in files.
	Parts []Part
	Now   aims.Clock
}

// Org names the organization the pack is of and who asked for it.
type Org struct {
	ID, Slug, Name string
	// By is who exported it.
	By string
}

// File is one file of the manifest.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest lists the pack's files; it is the archive's last file, manifest.json.
type Manifest struct {
	Format       string    `json:"format"`
	Version      int       `json:"version"`
	Organization string    `json:"organization"`
	Slug         string    `json:"slug"`
	GeneratedAt  time.Time `json:"generated_at"`
	GeneratedBy  string    `json:"generated_by"`
	// SoAVersion is the approved SoA version in the pack (0: none approved; the live SoA is in it,
	// marked so).
	SoAVersion int `json:"soa_version"`
	// TrailEntries and TrailHead are the activity trail's length and head hash when the pack was made.
	TrailEntries int64  `json:"trail_entries"`
	TrailHead    string `json:"trail_head"`
	Files        []File `json:"files"`
	// Notes say what the pack lacks, if anything.
	Notes []string `json:"notes,omitempty"`
}

// hashWriter counts and hashes what goes through it.
type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName makes s safe as a part of a file name in the archive.
func fileName(s string) string {
	s = strings.Trim(unsafeName.ReplaceAllString(s, "-"), "-")
	if s == "" {
		return "unnamed"
	}
	return s
}

// Write writes the pack of org to w, streamed: nothing is held whole in memory beyond one report.
func (p *Pack) Write(ctx context.Context, org Org, w io.Writer) error {
	now := p.Now().UTC()
	zw := zip.NewWriter(w)
	m := &Manifest{Format: Format, Version: Version, Organization: org.Name, Slug: org.Slug, GeneratedAt: now, GeneratedBy: org.By}
	add := func(name string, write func(io.Writer) error) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return err
		}
		hw := &hashWriter{w: fw, h: sha256.New()}
		if err := write(hw); err != nil {
			return fmt.Errorf("cannot write %s: %w", name, err)
		}
		m.Files = append(m.Files, File{Name: name, Size: hw.n, SHA256: hex.EncodeToString(hw.h.Sum(nil))})
		return nil
	}
	jsonFile := func(v any) func(io.Writer) error {
		return func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		}
	}

	// The activity trail first: the pack is of the records as they were at this head.
	v := activity.NewVerifier(org.ID)
	if err := p.Trail.VerifyActivityWith(ctx, org.ID, v); err != nil {
		var brk *activity.Break
		if errors.As(err, &brk) {
			return aims.Errorf(aims.ECONFLICT, "The activity trail does not verify (%s), so no audit pack can vouch for it: run aims audit verify.", brk.Error())
		}
		return err
	}
	m.TrailEntries, m.TrailHead = v.Head()
	if p.Key != nil {
		cp, err := activity.NewCheckpoint(org.ID, org.Slug, m.TrailEntries, m.TrailHead, now, p.Key)
		if err != nil {
			return err
		}
		if err := add("activity/checkpoint.json", cp.Encode); err != nil {
			return err
		}
	} else {
		m.Notes = append(m.Notes, "The activity trail's head is in this manifest but not signed: no checkpoint key is configured (aims audit keygen, AIMS_CHECKPOINT_KEY).")
	}

	// The Statement of Applicability: the newest approved version, else the live one marked so.
	vs, _, err := p.Controls.Versions(ctx, org.ID, aims.Page{Limit: 1})
	if err != nil {
		return err
	}
	var soa *control.SoA
	prefix := "soa/soa-live-not-approved"
	if len(vs) > 0 {
		if _, soa, err = p.Controls.Version(ctx, org.ID, vs[0].Number); err != nil {
			return err
		}
		m.SoAVersion = vs[0].Number
		prefix = fmt.Sprintf("soa/soa-v%d", vs[0].Number)
	} else {
		if soa, err = p.Controls.SoA(ctx, org.ID); err != nil {
			return err
		}
		m.Notes = append(m.Notes, "No version of the Statement of Applicability is approved: the pack holds the live one.")
	}
	for _, format := range []string{soaexport.FormatPDF, soaexport.FormatXLSX, soaexport.FormatOSCAL} {
		ext := format
		if format == soaexport.FormatOSCAL {
			ext = "oscal.json"
		}
		if err := add(prefix+"."+ext, func(w io.Writer) error { return soaexport.Export(w, soa, format) }); err != nil {
			return err
		}
	}

	// The risk register and the treatment plan.
	for _, format := range []string{riskreport.FormatPDF, riskreport.FormatXLSX} {
		if err := add("risks/risk-register."+format, func(w io.Writer) error {
			return riskreport.Register(ctx, p.Risks, org.ID, org.Name, risk.Filter{}, format, w, riskreport.Options{Now: now})
		}); err != nil {
			return err
		}
		if err := add("risks/treatment-plan."+format, func(w io.Writer) error {
			return riskreport.TreatmentPlan(ctx, p.Risks, org.ID, org.Name, risk.Filter{Open: true}, format, w, riskreport.Options{Now: now})
		}); err != nil {
			return err
		}
	}
	cs, err := p.Risks.CriteriaVersions(ctx, org.ID)
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		if err := add(fmt.Sprintf("risks/risk-criteria-v%d.json", cs[0].Version), jsonFile(cs[0])); err != nil {
			return err
		}
	}

	// The impact assessments in force, and what is not approved.
	if err := p.impacts(ctx, org, m, add); err != nil {
		return err
	}

	// Readiness: the state of every item and the documented information.
	r, err := p.Readiness.Compute(ctx, org.ID)
	if err != nil {
		return err
	}
	items, err := p.Readiness.Items(ctx, org.ID)
	if err != nil {
		return err
	}
	if err := add("readiness/readiness.json", jsonFile(struct {
		*readiness.Readiness
		Items []readiness.Item `json:"items"`
	}{r, items})); err != nil {
		return err
	}
	for _, key := range readiness.MappedFrameworks {
		mr, err := p.Readiness.Mapped(ctx, org.ID, key)
		if err != nil {
			return err
		}
		if err := add("readiness/mapped-"+key+".json", jsonFile(mr)); err != nil {
			return err
		}
	}

	for _, part := range p.Parts {
		if err := part(ctx, org.ID, add); err != nil {
			return err
		}
	}
	if err := add("README.txt", func(w io.Writer) error { return readme(w, m) }); err != nil {
		return err
	}
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: "manifest.json", Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	if err := jsonFile(m)(fw); err != nil {
		return err
	}
	return zw.Close()
}

func (p *Pack) impacts(ctx context.Context, org Org, m *Manifest, add func(string, func(io.Writer) error) error) error {
	cursor := ""
	for {
		ms, next, err := p.Impacts.List(ctx, org.ID, impact.Filter{}, aims.Page{Limit: aims.MaxPageLimit, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, s := range ms {
			if s.Approved == 0 {
				m.Notes = append(m.Notes, fmt.Sprintf("The impact assessment of %s has no approved version.", s.SystemName))
				continue
			}
			if s.Stale {
				m.Notes = append(m.Notes, fmt.Sprintf("The impact assessment of %s in force is stale: %s", s.SystemName, s.StaleReason))
			}
			for _, format := range []string{"pdf", "md"} {
				name := fmt.Sprintf("impact-assessments/%s-v%d.%s", fileName(s.SystemName), s.Approved, format)
				if err := add(name, func(w io.Writer) error {
					var b bytes.Buffer
					if err := p.Impacts.Export(ctx, org.ID, org.Name, s.SystemID, s.Approved, format, &b); err != nil {
						return err
					}
					_, err := b.WriteTo(w)
					return err
				}); err != nil {
					return err
				}
			}
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

func readme(w io.Writer, m *Manifest) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Audit pack of %s (%s)\nMade by aims on %s for %s.\n\n", m.Organization, m.Slug, m.GeneratedAt.Format(time.RFC3339), m.GeneratedBy)
	b.WriteString("manifest.json lists every other file of this archive with its SHA-256 and size: check them with\n" +
		"  sha256sum FILE\nand compare. It also holds the activity trail's length and head hash when the pack was made;\n" +
		"activity/checkpoint.json, when present, is that head signed with the organization's checkpoint key\n(aims audit verify --checkpoint checks a trail against it).\n\n")
	if m.SoAVersion > 0 {
		fmt.Fprintf(&b, "soa/: the Statement of Applicability, approved version %d, as PDF, XLSX and OSCAL JSON.\n", m.SoAVersion)
	} else {
		b.WriteString("soa/: the live Statement of Applicability (no version is approved), as PDF, XLSX and OSCAL JSON.\n")
	}
	b.WriteString("risks/: the risk register and the treatment plan of the open risks (PDF, XLSX), and the risk criteria.\n" +
		"impact-assessments/: each AI system's impact assessment in force (PDF, Markdown).\n" +
		"readiness/: every clause item and control with its state and next step, the roll-ups and the\ndocumented information with what exists of it; mapped-*.json, each NIST AI RMF subcategory and binding\nEU AI Act article as far as the ISO/IEC 42001 items mapped to it.\n" +
		"evidence/index.csv: every piece of evidence with its dates, status and its file's SHA-256.\n" +
		"evaluations/summary.csv: every evaluation run with its verdict against the system's acceptance criteria.\n")
	for _, n := range m.Notes {
		b.WriteString("\nNote: " + n)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Filename is the pack's file name: aims-audit-pack-SLUG-YYYY-MM-DD.zip.
func Filename(slug string, at time.Time) string {
	return "aims-audit-pack-" + fileName(slug) + "-" + at.UTC().Format("2006-01-02") + ".zip"
}

// startedWriter sends a download's headers on its first write, so that an error before the first byte
// is still an error answer, and one after it drops the connection rather than leave a cut archive that a
// client could take for a whole one.
type startedWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (s *startedWriter) Write(b []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	return s.w.Write(b)
}

// Serve writes org's pack to w as a zip download (the API's and the web UI's). An error before the first
// byte is returned for the caller to answer; one after it aborts the response.
func (p *Pack) Serve(ctx context.Context, org Org, w http.ResponseWriter) error {
	sw := &startedWriter{w: w, start: func() {
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="`+Filename(org.Slug, p.Now())+`"`)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}}
	err := p.Write(ctx, org, sw)
	if err != nil && sw.started {
		panic(http.ErrAbortHandler)
	}
	return err
}
