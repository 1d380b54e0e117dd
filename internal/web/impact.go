package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// impactsPath is the organization-wide list of impact assessments.
const impactsPath = "/impact-assessments"

// impactPath is the page of the impact assessment of system id.
func impactPath(systemID string) string { return "/systems/" + systemID + "/impact" }

// ImpactsPage lists the organization's impact assessments: each system's newest version and the state of
// the approved one.
type ImpactsPage struct {
	Layout
	Items   []*impact.Summary
	Filter  string
	NextURL string
}

// impactsPage shows the list; ?filter=stale or overdue narrows it.
func (w *Web) impactsPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	p := ImpactsPage{Layout: w.layout(rw, r, v, "Impact assessments", impactsPath), Filter: q.Get("filter")}
	var f impact.Filter
	switch p.Filter {
	case "":
	case "stale":
		f.Stale = true
	case "overdue":
		f.Overdue = true
	default:
		return errNotFound
	}
	items, next, err := w.Impacts.List(r.Context(), v.org.ID, f, pageOf(q.Get("cursor"), 100))
	if err != nil {
		return err
	}
	p.Items = items
	if next != "" {
		p.NextURL = impactsPath + "?" + url.Values{"filter": {p.Filter}, "cursor": {next}}.Encode()
	}
	return w.render(rw, r, http.StatusOK, "impacts", p)
}

// impactRecord leads from an assessment's record (links, tasks) to its system's assessment page.
func (w *Web) impactRecord(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sys, err := w.Impacts.SystemOf(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	http.Redirect(rw, r, impactPath(sys), http.StatusSeeOther)
	return nil
}

// ImpactPage is one version of a system's impact assessment, with its versions and the record cards.
type ImpactPage struct {
	Layout
	System *system.System
	// Assessment is the version shown (nil before the system has one); InForce the approved version in
	// force when it is not the one shown.
	Assessment *impact.Assessment
	InForce    *impact.Assessment
	Versions   []*impact.Assessment
	Titles     map[string]string
	CanEdit    bool
	CanApprove bool
	// Approvable says the version shown is the newest draft.
	Approvable  bool
	HistoryHref string
	RecordCards
}

// AreaLabel names an area of impact.
func (ImpactPage) AreaLabel(key string) string { return impact.AreaLabel(key) }

// Likelihood and Severity name the steps of the scales.
func (ImpactPage) Likelihood(n int) string { return impact.ScaleLabel(impact.Likelihoods, n) }

// Severity names a step of the severity scale.
func (ImpactPage) Severity(n int) string { return impact.ScaleLabel(impact.Severities, n) }

// FRIAFields are the elements of Art. 27(1).
func (ImpactPage) FRIAFields() []impact.FRIAField { return impact.FRIAFields }

// MitigationTitle names a mitigation by its record's title.
func (p ImpactPage) MitigationTitle(ref string) string {
	if t := p.Titles[ref]; t != "" {
		return t
	}
	return ref
}

// MitigationPath is the page of a mitigation's record.
func (ImpactPage) MitigationPath(ref string) string {
	r, err := record.ParseRef(ref, "ref")
	if err != nil {
		return ""
	}
	return record.End{Type: r.Type, ID: r.ID}.Path()
}

// impactPage shows the newest version of the system's assessment, or ?version=N.
func (w *Web) impactPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	p := ImpactPage{Layout: w.layout(rw, r, v, "Impact assessment of "+s.Name, impactsPath), System: s, Titles: map[string]string{},
		CanEdit: v.may(aims.ActionUpdate, aims.ResImpact), CanApprove: v.may(aims.ActionApprove, aims.ResImpact)}
	a, err := w.Impacts.Assessment(ctx, v.org.ID, id, max(version, 0))
	if aims.ErrorCode(err) == aims.ENOTFOUND && version == 0 {
		return w.render(rw, r, http.StatusOK, "impact", p)
	}
	if err != nil {
		return err
	}
	p.Assessment, p.Approvable = a, a.Status == impact.StatusDraft && a.Version == a.Latest
	if a.Approved > 0 && a.Approved != a.Version {
		if p.InForce, err = w.Impacts.Assessment(ctx, v.org.ID, id, a.Approved); err != nil {
			return err
		}
	}
	if p.Versions, err = w.Impacts.Versions(ctx, v.org.ID, id); err != nil {
		return err
	}
	for _, ref := range impact.Titles(a) {
		if e, err := w.Records.Resolve(ctx, v.org.ID, ref); err == nil {
			p.Titles[ref.String()] = e.Title
		}
	}
	if v.may(aims.ActionRead, aims.ResActivity) {
		p.HistoryHref = "/activity?" + url.Values{"record_type": {"impact"}, "record_id": {a.ID}}.Encode()
	}
	self := record.End{Type: record.TypeImpact, ID: a.ID, Title: "Impact assessment of " + s.Name}
	if p.RecordCards, err = w.recordCards(ctx, r, v, self); err != nil {
		return err
	}
	return w.render(rw, r, http.StatusOK, "impact", p)
}

// ImpactFormPage edits the newest version of a system's assessment (or starts it: Assessment nil). An
// approved version is not changed: saving makes the next version, a draft.
type ImpactFormPage struct {
	Layout
	System       *system.System
	Assessment   *impact.Assessment
	FRIARequired bool
	Form         ImpactForm
	Owners       []*account.Membership
	Areas        []impact.Area
	Likelihoods  []string
	Severities   []string
}

// FRIAFields are the elements of Art. 27(1).
func (ImpactFormPage) FRIAFields() []impact.FRIAField { return impact.FRIAFields }

// ImpactForm is the form's values and errors: the version's fields, with blank rows to add parties and
// impacts, and the mitigations of each impact as text (one ref a line).
type ImpactForm struct {
	impact.Fields
	Rev         int64
	Mitigations []string
	Err         *FormError
}

// FRIAValue returns the element field of the form.
func (f ImpactForm) FRIAValue(field string) string { return f.Fields.FRIA.Get(field) }

// blankRows are the empty rows the form offers to add parties and impacts without script.
const blankRows = 2

func newImpactForm(f impact.Fields, rev int64) ImpactForm {
	form := ImpactForm{Fields: f, Rev: rev}
	for range blankRows {
		form.Affected = append(form.Affected, impact.Party{})
		form.Impacts = append(form.Impacts, impact.Impact{})
	}
	for _, im := range form.Impacts {
		form.Mitigations = append(form.Mitigations, strings.Join(im.Mitigations, "\n"))
	}
	return form
}

// impactFormFields are the fields an error is shown beside: the fixed ones and those of each row.
func impactFormFields(f impact.Fields) []string {
	out := []string{"scope", "intended_use", "foreseeable_misuse", "owner_id", "reassess_by", "affected", "impacts", "fria"}
	for _, ff := range impact.FRIAFields {
		out = append(out, "fria."+ff.Field)
	}
	for i := range f.Affected {
		out = append(out, fmt.Sprintf("affected[%d].name", i), fmt.Sprintf("affected[%d].note", i))
	}
	for i, im := range f.Impacts {
		for _, n := range []string{"area", "party", "description", "likelihood", "severity", "mitigation_note", "mitigations"} {
			out = append(out, fmt.Sprintf("impacts[%d].%s", i, n))
		}
		for j := range im.Mitigations {
			out = append(out, fmt.Sprintf("impacts[%d].mitigations[%d]", i, j))
		}
	}
	return out
}

// readImpactForm reads the posted form; the caller has parsed it. Rows left blank are dropped, so that
// the rows kept are numbered as the service numbers them in its errors.
func readImpactForm(r *http.Request, friaRequired bool) impact.Fields {
	get := r.PostFormValue
	f := impact.Fields{Scope: get("scope"), IntendedUse: get("intended_use"), ForeseeableMisuse: get("foreseeable_misuse"),
		OwnerID: get("owner_id"), ReassessBy: get("reassess_by"), Affected: []impact.Party{}, Impacts: []impact.Impact{}}
	for i := 0; i < 200; i++ {
		n := strconv.Itoa(i)
		if _, ok := r.PostForm["party_name_"+n]; !ok {
			break
		}
		p := impact.Party{Name: get("party_name_" + n), Vulnerable: get("party_vulnerable_"+n) == "on", Note: get("party_note_" + n)}
		if strings.TrimSpace(p.Name+p.Note) != "" || p.Vulnerable {
			f.Affected = append(f.Affected, p)
		}
	}
	for i := 0; i < 300; i++ {
		n := strconv.Itoa(i)
		if _, ok := r.PostForm["impact_area_"+n]; !ok {
			break
		}
		im := impact.Impact{Area: get("impact_area_" + n), Party: get("impact_party_" + n), Description: get("impact_description_" + n),
			MitigationNote: get("impact_note_" + n), Mitigations: []string{}}
		im.Likelihood, _ = strconv.Atoi(get("impact_likelihood_" + n))
		im.Severity, _ = strconv.Atoi(get("impact_severity_" + n))
		for _, m := range strings.FieldsFunc(get("impact_mitigations_"+n), func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
			if m = strings.TrimSpace(m); m != "" {
				im.Mitigations = append(im.Mitigations, m)
			}
		}
		if strings.TrimSpace(im.Area+im.Party+im.Description+im.MitigationNote) != "" || len(im.Mitigations) > 0 {
			f.Impacts = append(f.Impacts, im)
		}
	}
	if friaRequired {
		f.FRIA = &impact.FRIA{Processes: get("fria_processes"), Period: get("fria_period"), Persons: get("fria_persons"),
			Harms: get("fria_harms"), Oversight: get("fria_oversight"), Measures: get("fria_measures")}
	}
	return f
}

func (w *Web) renderImpactForm(rw http.ResponseWriter, r *http.Request, v *visit, status int, s *system.System, a *impact.Assessment,
	required bool, f ImpactForm) error {
	title := "Start the impact assessment of " + s.Name
	if a != nil {
		title = "Edit the impact assessment of " + s.Name
	}
	p := ImpactFormPage{Layout: w.layout(rw, r, v, title, impactsPath), System: s, Assessment: a, FRIARequired: required, Form: f,
		Areas: impact.Areas, Likelihoods: impact.Likelihoods, Severities: impact.Severities}
	ms, _, err := w.Accounts.Store().ListMembers(r.Context(), v.org.ID, pageOf("", 200))
	if err != nil {
		return err
	}
	p.Owners = mayOwn(ms, aims.ResImpact)
	return w.render(rw, r, status, "impact_form", p)
}

// friaRequired reports whether Art. 27 applies to the system, by the assessment when there is one.
func (w *Web) friaRequired(r *http.Request, v *visit, s *system.System, a *impact.Assessment) (bool, error) {
	if a != nil {
		return a.FRIARequired, nil
	}
	prof, err := w.Controls.Profile(r.Context(), v.org.ID)
	if err != nil {
		return false, err
	}
	ob, err := w.Systems.Obligations(r.Context(), w.Controls.Catalog(), prof.EUDates, v.org.ID, s.ID)
	if err != nil {
		return false, err
	}
	return impact.AppliesFRIA(ob.Items), nil
}

// editImpactPage shows the form of the newest version (or of a new assessment, prefilled from the
// system's record).
func (w *Web) editImpactPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	a, err := w.Impacts.Assessment(ctx, v.org.ID, id, 0)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		a, err = nil, nil
	}
	if err != nil {
		return err
	}
	required, err := w.friaRequired(r, v, s, a)
	if err != nil {
		return err
	}
	var f impact.Fields
	var rev int64
	if a != nil {
		f, rev = impact.FieldsOf(a), a.Rev
	} else {
		f = impact.Fields{IntendedUse: s.IntendedUse, ForeseeableMisuse: s.ForeseeableMisuse, OwnerID: s.OwnerID}
		if f.IntendedUse == "" {
			f.IntendedUse = s.Purpose
		}
		if required {
			f.FRIA = &impact.FRIA{Oversight: s.HumanOversight, Persons: s.AffectedPeople}
		}
	}
	return w.renderImpactForm(rw, r, v, http.StatusOK, s, a, required, newImpactForm(f, rev))
}

// saveImpact starts the system's assessment or changes its newest version: a draft in place, an approved
// one by a new draft version.
func (w *Web) saveImpact(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	cur, err := w.Impacts.Assessment(ctx, v.org.ID, id, 0)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		cur, err = nil, nil
	}
	if err != nil {
		return err
	}
	required, err := w.friaRequired(r, v, s, cur)
	if err != nil {
		return err
	}
	f := readImpactForm(r, required)
	var a *impact.Assessment
	created := false
	if cur == nil {
		a, err = w.Impacts.Create(ctx, v.org.ID, id, f)
		created = true
	} else {
		var rev int64
		if rev, err = formVersion(r); err == nil {
			a, created, err = w.Impacts.Update(ctx, v.org.ID, id, cur.Version, f, rev)
		}
	}
	if err != nil {
		fe, status, ok := formError(err, impactFormFields(f)...)
		if !ok || aims.ErrorCode(err) == aims.ENOTFOUND {
			return err
		}
		form := newImpactForm(f, r2i(r))
		form.Err = fe
		return w.renderImpactForm(rw, r, v, status, s, cur, required, form)
	}
	msg := fmt.Sprintf("Version %d is saved.", a.Version)
	if created && a.Version > 1 {
		msg = fmt.Sprintf("Version %d is approved and stays as it was: your change is version %d, a draft.", a.Version-1, a.Version)
	}
	w.flash(rw, flashOK, msg)
	http.Redirect(rw, r, impactPath(id), http.StatusSeeOther)
	return nil
}

// r2i is the form's version field as posted (0 when missing), kept when the form is shown again.
func r2i(r *http.Request) int64 {
	n, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	return n
}

// approveImpact signs off the version posted in the name of the member.
func (w *Web) approveImpact(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("assessment_version"), 10, 64)
	rev, err := formVersion(r)
	if err != nil || version < 1 {
		return aims.Errorf(aims.EINVALID, "The form is missing the version to approve; reload the page and try again.")
	}
	a, err := w.Impacts.Approve(r.Context(), v.org.ID, id, version, rev)
	if err != nil {
		if c := aims.ErrorCode(err); c != aims.EINVALID && c != aims.ECONFLICT && c != aims.EPRECONDITION {
			return err
		}
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
	} else {
		w.flash(rw, flashOK, fmt.Sprintf("Version %d is approved; reassess it by %s.", a.Version, a.ReassessBy))
	}
	http.Redirect(rw, r, impactPath(id), http.StatusSeeOther)
	return nil
}

// exportImpact downloads a version (?version=N, default the newest) as ?format=md or pdf.
func (w *Web) exportImpact(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "md"
	}
	if impact.CheckFormat(format) != nil {
		return errNotFound
	}
	version, _ := strconv.ParseInt(q.Get("version"), 10, 64)
	var buf bytes.Buffer
	if err := w.Impacts.Export(r.Context(), v.org.ID, v.org.Name, id, max(version, 0), format, &buf); err != nil {
		return err
	}
	ct := impact.ContentTypes[format]
	rw.Header().Set("Content-Type", ct)
	rw.Header().Set("Content-Disposition", `attachment; filename="impact-assessment.`+format+`"`)
	rw.Header().Set("Cache-Control", "no-store")
	_, err = rw.Write(buf.Bytes())
	return err
}

// NextVersion is the version saving the form makes of an approved assessment.
func (p ImpactFormPage) NextVersion() int64 {
	if p.Assessment == nil {
		return 1
	}
	return p.Assessment.Version + 1
}

// systemImpact returns the newest version of the system's assessment (nil when it has none) and why the
// version in force is stale ("" when it is not).
func (w *Web) systemImpact(ctx context.Context, orgID, systemID string) (*impact.Assessment, string, error) {
	a, err := w.Impacts.Assessment(ctx, orgID, systemID, 0)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	inForce := a
	if a.Approved > 0 && a.Approved != a.Version {
		if inForce, err = w.Impacts.Assessment(ctx, orgID, systemID, a.Approved); err != nil {
			return nil, "", err
		}
	}
	if inForce.Stale {
		return a, inForce.StaleReason, nil
	}
	return a, "", nil
}
