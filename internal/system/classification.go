package system

import (
	"context"
	"maps"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/system/euact"
)

// Classification is the EU AI Act classification of a system: the answers to the questionnaire (only those
// of questions that apply), what follows from them, the class recorded for the system and, when that
// differs from the evaluated class, the justification. Version counts the classifications saved for the
// system; the history keeps each one.
type Classification struct {
	SystemID         string            `json:"system_id"`
	OrgID            string            `json:"-"`
	Answers          map[string]string `json:"answers"`
	Class            string            `json:"class"`
	Result           euact.Result      `json:"result"`
	Override         bool              `json:"override"`
	Justification    string            `json:"override_justification"`
	ClassifiedBy     string            `json:"classified_by"`
	ClassifiedByName string            `json:"classified_by_name"`
	ClassifiedAt     time.Time         `json:"classified_at"`
	Version          int64             `json:"version"`
	// Outdated is set on reading when the answers predate today's questionnaire: they answer a question no
	// longer asked, or leave unanswered one that applies to them. Answering again brings it up to date.
	Outdated bool `json:"outdated"`
}

// markOutdated sets c.Outdated from its answers, and completes a result saved before today's fields.
func markOutdated(c *Classification) {
	c.Result.Complete()
	_, c.Outdated = reading(c)
}

// reading returns c's answers evaluated by today's rules (the result saved with it when they no longer
// evaluate), and whether they predate today's questionnaire: they answer a question no longer asked, or
// leave unanswered one that applies to them.
func reading(c *Classification) (euact.Result, bool) {
	r, err := euact.Evaluate(c.Answers)
	if err != nil {
		return c.Result, true
	}
	return r, len(r.Unanswered) > 0
}

// ClassificationStore persists classifications. Every method is scoped by the organization and answers
// ENOTFOUND for a system it cannot see.
type ClassificationStore interface {
	// SaveClassification makes c (OrgID, SystemID, Answers, Class, Result, Override, Justification set)
	// the current classification of its system if the current one's version is ifVersion (0: any; a
	// system not classified yet has version 0 for this purpose, so any positive ifVersion fails), sets
	// the system's risk class, appends it to the history and records the activity, in one transaction;
	// EPRECONDITION when the version differs. It fills in the version, who and when.
	SaveClassification(ctx context.Context, c *Classification, ifVersion int64) error
	// ClassificationOf returns the current classification of orgID's system id; ENOTFOUND when there is
	// no such system or it is not classified yet.
	ClassificationOf(ctx context.Context, orgID, id string) (*Classification, error)
	// ClassificationHistory returns every classification saved for orgID's system id, newest first.
	ClassificationHistory(ctx context.Context, orgID, id string) ([]*Classification, error)
}

// ClassificationInput is what a caller saves: the answers, optionally the class it declares, and the
// justification that a declared class contradicting the answers needs.
type ClassificationInput struct {
	Answers       map[string]string `json:"answers"`
	Class         string            `json:"class"`
	Justification string            `json:"override_justification"`
}

// Classify evaluates in and saves it as the classification of orgID's system id if the current
// classification's version is ifVersion (0: any). Answers to unknown questions, invalid answers and
// unanswered questions that apply are EINVALID naming the question; a declared class that contradicts
// the answers without a justification is EINVALID on override_justification; ENOTFOUND for a system
// orgID does not have; EPRECONDITION for a lost update.
func (s *Service) Classify(ctx context.Context, orgID, id string, in ClassificationInput, ifVersion int64) (*Classification, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "There is no such AI system.")
	}
	d, err := euact.Decide(in.Answers, in.Class, in.Justification)
	if err != nil {
		return nil, err
	}
	c := &Classification{SystemID: id, OrgID: orgID, Answers: d.Answers, Class: d.Class, Result: d.Result,
		Override: d.Override, Justification: d.Justification}
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		prev, err := s.store.ClassificationOf(ctx, orgID, id)
		if err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
			return err
		}
		if err := s.store.SaveClassification(ctx, c, ifVersion); err != nil {
			return err
		}
		if prev == nil || prev.Class != c.Class || !maps.Equal(prev.Answers, c.Answers) {
			return s.changed(ctx, orgID, id, "The AI system's EU AI Act classification changed (now "+c.Class+").")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Classification returns the current classification of orgID's system id; ENOTFOUND when there is no
// such system or it is not classified yet.
func (s *Service) Classification(ctx context.Context, orgID, id string) (*Classification, error) {
	c, err := s.store.ClassificationOf(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	markOutdated(c)
	return c, nil
}

// ClassificationHistory returns every classification saved for orgID's system id, newest first.
func (s *Service) ClassificationHistory(ctx context.Context, orgID, id string) ([]*Classification, error) {
	cs, err := s.store.ClassificationHistory(ctx, orgID, id)
	for _, c := range cs {
		markOutdated(c)
	}
	return cs, err
}

// SystemObligations are the EU AI Act obligations that follow for one system from its classification and
// the organization's role for it, dated under the organization's chosen date set.
type SystemObligations struct {
	SystemID   string `json:"system_id"`
	EURole     string `json:"eu_role"`
	Class      string `json:"class"`
	Classified bool   `json:"classified"`
	DateSet    string `json:"date_set"`
	// DateSetInForce reports whether DateSet is the version of the Act in force (the amended dates).
	DateSetInForce bool `json:"date_set_in_force"`
	// Outdated reports that the classification predates today's questionnaire (see Classification).
	Outdated bool               `json:"outdated"`
	Items    []euact.Obligation `json:"obligations"`
}

// Obligations returns the obligations of orgID's system id for its EU role and class, with dates from
// dateSet of catalog cat (the organization's choice, see control.Profile). A system not classified yet,
// or without an EU role, has none; ENOTFOUND for a system orgID does not have.
func (s *Service) Obligations(ctx context.Context, cat *framework.Catalog, dateSet, orgID, id string) (*SystemObligations, error) {
	sys, err := s.store.SystemByID(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	out := &SystemObligations{SystemID: sys.ID, EURole: sys.EURole, DateSet: dateSet, Items: []euact.Obligation{}}
	if cat != nil && cat.EUObligations != nil && cat.EUObligations.DateSets[dateSet] != nil {
		out.DateSetInForce = cat.EUObligations.DateSets[dateSet].InForce
	}
	c, err := s.store.ClassificationOf(ctx, orgID, id)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	r, outdated := reading(c)
	r.Class = c.Class // an override decides which obligations apply
	out.Classified, out.Class, out.Outdated = true, c.Class, outdated
	out.Items = euact.Obligations(cat, dateSet, sys.EURole, r)
	return out, nil
}

// Effective returns c's answers evaluated by today's rules (the result saved with it when they no longer
// evaluate) with the recorded class in place of the evaluated one: an override decides which
// obligations apply, and a classification saved under older rules gets today's reading of its answers.
func Effective(c *Classification) euact.Result {
	r, _ := reading(c)
	r.Class = c.Class
	return r
}

// Unclassified is the risk class filter value for systems not classified yet.
const Unclassified = "unclassified"
