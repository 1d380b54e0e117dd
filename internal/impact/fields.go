package impact

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// maxParties and maxImpacts bound the lists of one version; maxMitigations the mitigations of an impact.
const (
	maxParties     = 100
	maxImpacts     = 200
	maxMitigations = 50
)

// apply checks f and sets a's fields from it; EINVALID names the field at fault. applies says whether the
// system needs the FRIA elements; prev is the version a is made from (nil for the first), whose FRIA
// elements are dropped without a word when Article 27 no longer applies.
func (s *Service) apply(ctx context.Context, orgID string, f Fields, a *Assessment, applies bool, prev *Assessment) error {
	for _, t := range []struct {
		p     *string
		field string
	}{{&f.Scope, "scope"}, {&f.IntendedUse, "intended_use"}, {&f.ForeseeableMisuse, "foreseeable_misuse"}} {
		*t.p = trim(*t.p)
		if err := aims.CheckText(*t.p, t.field, 8000, true); err != nil {
			return err
		}
	}
	if len(f.Affected) > maxParties {
		return aims.FieldError("affected", "At most %d affected individuals or groups.", maxParties)
	}
	affected := []Party{}
	for i, p := range f.Affected {
		field := fmt.Sprintf("affected[%d]", i)
		p.Name, p.Note = trim(p.Name), trim(p.Note)
		if p.Name == "" {
			return aims.FieldError(field+".name", "Name the individuals or group affected.")
		}
		if err := aims.CheckText(p.Name, field+".name", 200, false); err != nil {
			return err
		}
		if err := aims.CheckText(p.Note, field+".note", 2000, true); err != nil {
			return err
		}
		affected = append(affected, p)
	}
	if len(f.Impacts) > maxImpacts {
		return aims.FieldError("impacts", "At most %d impacts.", maxImpacts)
	}
	impacts := []Impact{}
	for i, im := range f.Impacts {
		field := fmt.Sprintf("impacts[%d]", i)
		im.Area, im.Party, im.Description, im.MitigationNote = trim(im.Area), trim(im.Party), trim(im.Description), trim(im.MitigationNote)
		if !slices.ContainsFunc(Areas, func(a Area) bool { return a.Key == im.Area }) {
			return aims.FieldError(field+".area", "Unknown area %q: use %s.", clip(im.Area), areaKeys())
		}
		if err := aims.CheckText(im.Party, field+".party", 200, false); err != nil {
			return err
		}
		if im.Description == "" {
			return aims.FieldError(field+".description", "Say what the impact is.")
		}
		if err := aims.CheckText(im.Description, field+".description", 4000, true); err != nil {
			return err
		}
		if ScaleLabel(Likelihoods, im.Likelihood) == "" {
			return aims.FieldError(field+".likelihood", "Rate the likelihood from 1 to %d: %s.", len(Likelihoods), scaleText(Likelihoods))
		}
		if ScaleLabel(Severities, im.Severity) == "" {
			return aims.FieldError(field+".severity", "Rate the severity from 1 to %d: %s.", len(Severities), scaleText(Severities))
		}
		if err := aims.CheckText(im.MitigationNote, field+".mitigation_note", 4000, true); err != nil {
			return err
		}
		ms, err := s.mitigations(ctx, orgID, field, im.Mitigations)
		if err != nil {
			return err
		}
		im.Mitigations = ms
		impacts = append(impacts, im)
	}
	a.Scope, a.IntendedUse, a.ForeseeableMisuse, a.Affected, a.Impacts = f.Scope, f.IntendedUse, f.ForeseeableMisuse, affected, impacts
	switch {
	case applies:
		fr := FRIA{}
		if f.FRIA != nil {
			fr = *f.FRIA
		}
		for i, p := range fr.ptrs() {
			*p = trim(*p)
			if err := aims.CheckText(*p, "fria."+FRIAFields[i].Field, 8000, true); err != nil {
				return err
			}
		}
		a.FRIA = &fr
	case f.FRIA != nil && !f.FRIA.empty() && (prev == nil || prev.FRIA == nil || *prev.FRIA != *f.FRIA):
		return aims.FieldError("fria", "Article 27 of the EU AI Act (fundamental rights impact assessment) does not apply to this AI system by its classification and EU role: leave the FRIA elements out.")
	default:
		a.FRIA = nil
	}
	if err := s.checkOwner(ctx, orgID, f.OwnerID, a); err != nil {
		return err
	}
	if a.ReassessBy = trim(f.ReassessBy); a.ReassessBy != "" {
		if d, err := time.Parse(time.DateOnly, a.ReassessBy); err != nil || d.Year() < 2000 || d.Year() > 2200 {
			return aims.FieldError("reassess_by", "Give the reassessment date as YYYY-MM-DD, for example 2027-06-30.")
		}
	}
	return nil
}

func (f *FRIA) empty() bool { return *f == FRIA{} }

// mitigations checks the refs of one impact's mitigations: risks and controls of orgID, each once.
func (s *Service) mitigations(ctx context.Context, orgID, field string, refs []string) ([]string, error) {
	if len(refs) > maxMitigations {
		return nil, aims.FieldError(field+".mitigations", "At most %d mitigations per impact.", maxMitigations)
	}
	out := []string{}
	for j, raw := range refs {
		f := fmt.Sprintf("%s.mitigations[%d]", field, j)
		r, err := record.ParseRef(raw, f)
		if aims.ErrorCode(err) == aims.ENOTFOUND {
			return nil, aims.FieldError(f, "%s", aims.ErrorMessage(err))
		}
		if err != nil {
			return nil, err
		}
		if r.Type != record.TypeRisk && r.Type != record.TypeControl {
			return nil, aims.FieldError(f, "A mitigation is a risk of the register (risk:ID) or a control (control:KEY/REF), not a %s.", strings.ToLower(r.Type.Label()))
		}
		if s.Links == nil {
			return nil, errors.New("impact: no link service wired; build the service with app.NewServices")
		}
		e, err := s.Links.Resolve(ctx, orgID, r)
		if aims.ErrorCode(err) == aims.ENOTFOUND {
			return nil, aims.FieldError(f, "%s", aims.ErrorMessage(err))
		}
		if err != nil {
			return nil, err
		}
		if ref := e.Ref().String(); !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	return out, nil
}

func scaleText(scale []string) string {
	s := make([]string, len(scale))
	for i, l := range scale {
		s[i] = fmt.Sprintf("%d %s", i+1, l)
	}
	return strings.Join(s, ", ")
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// checkOwner sets a's owner from userID ("" for none): a member whose role may change assessments.
func (s *Service) checkOwner(ctx context.Context, orgID, userID string, a *Assessment) error {
	if a.OwnerID = trim(userID); a.OwnerID == "" {
		a.OwnerName = ""
		return nil
	}
	if !aims.ValidID(a.OwnerID) {
		return aims.OwnerError("owner_id", "", aims.ResImpact)
	}
	m, err := s.store.MembershipOf(ctx, orgID, a.OwnerID)
	switch {
	case aims.ErrorCode(err) == aims.ENOTFOUND:
		return aims.OwnerError("owner_id", "", aims.ResImpact)
	case err != nil:
		return err
	case !aims.MayOwn(m.Role, aims.ResImpact):
		return aims.OwnerError("owner_id", m.Role, aims.ResImpact)
	}
	a.OwnerName = m.UserName
	return nil
}
