package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/euact"
)

// ClassificationPage is the EU AI Act classification of one AI system: the questionnaire as a plain form,
// step by step, with the answers given; what they make of the system and why; the obligations that
// follow for the organization's role, dated under its chosen date set; and every classification saved.
type ClassificationPage struct {
	Layout
	System  *system.System
	Current *system.Classification
	Steps   []ClassificationStep
	Form    ClassificationForm
	// Result is what the answers shown give: the saved ones, or those of a refused form when they are valid.
	Result      *euact.Result
	Obligations *system.SystemObligations
	DateSet     string
	// DatesNotice is set when the organization plans against superseded EU AI Act dates.
	DatesNotice *DatesNotice
	History     []*system.Classification
	CanEdit     bool
}

// ClassificationStep is one step of the questionnaire with its questions.
type ClassificationStep struct {
	euact.Step
	Number    int
	Questions []QuestionField
}

// QuestionField is one question of the form with its answer and error.
type QuestionField struct {
	euact.Question
	Answer string
	// Applies is false for a question that the other answers make moot: it is shown but not needed.
	Applies bool
	// Note says when a conditional question is asked.
	Note    string
	Error   string
	Choices []euact.Option
}

// WhenJSON is the question's conditions as JSON, for the script that shows only the questions the answers
// given so far ask (every question stays in the page without it).
func (f QuestionField) WhenJSON() string {
	if len(f.When) == 0 {
		return "[]"
	}
	b, err := json.Marshal(f.When)
	if err != nil {
		return "[]" // conditions are strings: Marshal cannot fail on them
	}
	return string(b)
}

// Chosen reports whether value is among the answer's values (one, or several for a multi question).
func (f QuestionField) Chosen(value string) bool {
	for _, v := range f.Values(f.Answer) {
		if strings.TrimSpace(v) == value {
			return true
		}
	}
	return false
}

// ClassificationForm is the rest of the form: the class declared, its justification, the version it
// replaces, and the error of the form as a whole.
type ClassificationForm struct {
	Class         string
	Justification string
	Version       int64
	Err           *FormError
}

// Classes are the classes a form may declare.
func (ClassificationForm) Classes() []euact.Option { return euact.Questions().Classes }

// ClassLabel returns a class's label for people, or "Not classified".
func (ClassificationPage) ClassLabel(class string) string {
	if l, ok := euact.ClassLabels[class]; ok {
		return l
	}
	return "Not classified"
}

func classificationHref(id string) string { return systemHref(id) + "/classification" }

// classificationPage shows the classification of the system named by the request's path.
func (w *Web) classificationPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := w.Systems.Classification(r.Context(), v.org.ID, id)
	if err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
		return err
	}
	form := ClassificationForm{}
	answers := map[string]string{}
	if cur != nil {
		answers, form.Version = cur.Answers, cur.Version
		if cur.Override {
			form.Class, form.Justification = cur.Class, cur.Justification
		}
	}
	return w.renderClassification(rw, r, v, http.StatusOK, id, answers, form, nil)
}

// saveClassification saves the posted answers as the system's classification. A refused form is shown
// again with its answers and the reason beside the question or field at fault.
func (w *Web) saveClassification(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	answers := map[string]string{}
	for _, q := range euact.Questions().Questions {
		// A multi question posts one value per ticked box; the engine reads them comma-separated.
		var vals []string
		for _, a := range r.PostForm[q.Key] {
			if a = strings.TrimSpace(a); a != "" {
				vals = append(vals, a)
			}
		}
		if len(vals) > 0 {
			answers[q.Key] = strings.Join(vals, ",")
		}
	}
	form := ClassificationForm{Class: r.PostFormValue("class"), Justification: r.PostFormValue("override_justification")}
	form.Version, err = strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || form.Version < 0 {
		return aims.Errorf(aims.EINVALID, "The form is missing the classification's version; reload the page and try again.")
	}
	in := system.ClassificationInput{Answers: answers, Class: form.Class, Justification: form.Justification}
	c, err := w.Systems.Classify(r.Context(), v.org.ID, id, in, form.Version)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return err
	}
	if err != nil {
		fe, status, ok := formError(err, "class", "override_justification")
		if !ok {
			return err
		}
		if f := aims.ErrorField(err); f != "" && euact.QuestionByKey(f) != nil {
			fe.Message = ""
			fe.Fields[f] = aims.ErrorMessage(err)
		}
		if aims.ErrorCode(err) == aims.EPRECONDITION {
			fe.Message = "Someone else saved a classification of this system while you were answering. Your answers are kept below; " +
				"save again to replace theirs."
			if now, cerr := w.Systems.Classification(r.Context(), v.org.ID, id); cerr == nil {
				form.Version = now.Version
			}
		}
		form.Err = fe
		return w.renderClassification(rw, r, v, status, id, answers, form, fe)
	}
	w.flash(rw, flashOK, fmt.Sprintf("The classification is saved: %s.", euact.ClassLabels[c.Class]))
	http.Redirect(rw, r, classificationHref(id), http.StatusSeeOther)
	return nil
}

// renderClassification renders the page of system id with answers in the form.
func (w *Web) renderClassification(rw http.ResponseWriter, r *http.Request, v *visit, status int, id string,
	answers map[string]string, form ClassificationForm, fe *FormError) error {
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	cur, err := w.Systems.Classification(ctx, v.org.ID, id)
	if err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
		return err
	}
	hist, err := w.Systems.ClassificationHistory(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	prof, err := w.Controls.Profile(ctx, v.org.ID)
	if err != nil {
		return err
	}
	cat := w.Controls.Catalog()
	ob, err := w.Systems.Obligations(ctx, cat, prof.EUDates, v.org.ID, id)
	if err != nil {
		return err
	}
	p := ClassificationPage{Layout: w.layout(rw, r, v, "EU AI Act classification of "+s.Name, systemsPath), System: s, Current: cur,
		Form: form, Obligations: ob, History: hist, CanEdit: v.may(aims.ActionUpdate, aims.ResSystem), DateSet: prof.EUDates,
		DatesNotice: w.datesNotice(r, v, prof)}
	if ds := cat.EUObligations.DateSets[prof.EUDates]; ds != nil {
		p.DateSet = ds.Label
	}
	if res, err := euact.Evaluate(answers); err == nil {
		p.Result = &res
	}
	if cur == nil && fe == nil {
		p.Result = nil
	}
	if cur != nil && fe == nil && p.Result == nil {
		p.Result = &cur.Result // saved answers that today's questions cannot evaluate (see Outdated)
	}
	p.Steps = classificationSteps(answers, fe)
	return w.render(rw, r, status, "classification", p)
}

// classificationSteps lays the questionnaire out step by step with answers and the errors of fe.
func classificationSteps(answers map[string]string, fe *FormError) []ClassificationStep {
	q := euact.Questions()
	clean, err := euact.Clean(answers)
	if err != nil {
		clean = answers
	}
	var steps []ClassificationStep
	for i, st := range q.Steps {
		cs := ClassificationStep{Step: st, Number: i + 1}
		for _, x := range q.Questions {
			if x.Step != st.Key {
				continue
			}
			f := QuestionField{Question: x, Answer: answers[x.Key], Applies: x.Applies(clean), Note: whenNote(x), Error: fe.Field(x.Key),
				Choices: x.Options}
			if x.Type == euact.YesNo {
				f.Choices = []euact.Option{{Value: euact.Yes, Label: "Yes"}, {Value: euact.No, Label: "No"}}
			}
			cs.Questions = append(cs.Questions, f)
		}
		steps = append(steps, cs)
	}
	return steps
}

// whenNote says in words when q is asked, leaving out the scope questions, which every later step
// depends on.
func whenNote(q euact.Question) string {
	var parts []string
	for _, c := range q.When {
		if strings.HasPrefix(c.Key, "scope_") {
			continue
		}
		ref := euact.QuestionByKey(c.Key)
		switch {
		case c.AnyOf != nil && len(c.AnyOf) > 2 && len(c.AnyOf) == len(ref.Options)-1 && !slices.Contains(c.AnyOf, euact.None):
			parts = append(parts, fmt.Sprintf("the answer at %s is not %s", ref.Article, strings.Join(labels(ref, []string{euact.None}), "")))
		case c.AnyOf != nil:
			parts = append(parts, fmt.Sprintf("the answer at %s is %s", ref.Article, strings.Join(labels(ref, c.AnyOf), " or ")))
		case c.NoneOf != nil:
			parts = append(parts, fmt.Sprintf("the answer at %s is not %s", ref.Article, strings.Join(labels(ref, c.NoneOf), " or ")))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Answer only if " + strings.Join(parts, " and ") + "."
}

func labels(q *euact.Question, values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = "“" + v + "”"
		if q.Type != euact.YesNo {
			out[i] = "“" + euact.Label(q.Options, v) + "”"
		}
	}
	return out
}
