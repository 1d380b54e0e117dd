package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/euact"
)

// euQuestionnaire answers the fixed EU AI Act questionnaire whole: it is part of aims, not data.
func (a *API) euQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "private, max-age=300")
	return writeJSON(w, http.StatusOK, euact.Questions())
}

func (a *API) getClassification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	c, err := a.Systems.Classification(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, c.Version, c)
}

// putClassification saves the answers (and a declared class with its justification) as the system's
// classification. The whole classification is replaced, so the PUT is idempotent but for the version.
func (a *API) putClassification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var in system.ClassificationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Answers == nil {
		return aims.FieldError("answers", "Send the answers to the questionnaire (GET /api/v1/eu-ai-act/questionnaire).")
	}
	c, err := a.Systems.Classify(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, in, version)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, c.Version, c)
}

func (a *API) classificationHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	p, err := page(r)
	if err != nil {
		return err
	}
	cs, next, err := a.Systems.ClassificationHistoryPage(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*system.Classification]{Items: items(cs), NextCursor: next})
}

// systemObligations lists the obligations of the system for its EU role and class, dated under the date
// set the organization chose for its EU AI Act obligations.
//
// The obligations are bounded by the EU AI Act (a fixed list per role and class), so they come whole.
func (a *API) systemObligations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	orgID := aims.ActorFrom(r.Context()).OrgID
	p, err := a.Controls.Profile(r.Context(), orgID)
	if err != nil {
		return err
	}
	o, err := a.Systems.Obligations(r.Context(), a.Controls.Catalog(), p.EUDates, orgID, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}
