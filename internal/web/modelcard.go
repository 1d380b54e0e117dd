package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/syscard"
)

// SystemCardPage shows the system card of an AI system inside the app (ISO/IEC 42001, A.8.2), with links
// to download it, the model cards of its models, and a form to import another model card.
type SystemCardPage struct {
	Layout
	System *system.System
	Card   *syscard.Card
	// Models are the system's model components, with the id of their newest model card ("" for none).
	Models    []ModelRef
	CanImport bool
	Import    ModelCardForm
}

// ModelRef is a model component of a system with its newest model card, if any.
type ModelRef struct {
	ID     string
	Name   string
	CardID string
	Number int64
}

// ModelCardForm is the model card upload form, as sent.
type ModelCardForm struct {
	ComponentID string
	Name        string
	URL         string
	Err         *FormError
}

// ModelCardPage shows one imported model card of a model component: what aims read out of it, its
// evaluation results, the other versions and the Markdown as imported.
type ModelCardPage struct {
	Layout
	Card      *component.ModelCard
	Component *component.Component
	// Systems and Versions are the first pages of the systems that use the component and of its cards;
	// More says that either has more, which the component's page lists.
	Systems  []*component.SystemRef
	Versions []*component.ModelCard
	More     bool
}

// systemCardPage shows the system card of the AI system named by the path.
func (w *Web) systemCardPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderSystemCard(rw, r, v, http.StatusOK, ModelCardForm{})
}

func (w *Web) renderSystemCard(rw http.ResponseWriter, r *http.Request, v *visit, status int, form ModelCardForm) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	card, err := syscard.Load(ctx, syscard.Source{Systems: w.Systems, Components: w.Components}, v.org.ID, v.org.Name, id, w.Now())
	if err != nil {
		return err
	}
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	latest, err := w.Components.LatestModelCards(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	p := SystemCardPage{Layout: w.layout(rw, r, v, "System card of "+s.Name, systemsPath), System: s, Card: card,
		CanImport: v.may(aims.ActionCreate, aims.ResSystem), Import: form}
	// The models the card lists (the first syscard.Shown): a card for another is imported under the
	// model it names.
	for _, c := range card.Models {
		m := ModelRef{ID: c.ID, Name: c.Name}
		if mc := latest[c.ID]; mc != nil {
			m.CardID, m.Number = mc.ID, mc.Number
		}
		p.Models = append(p.Models, m)
	}
	return w.render(rw, r, status, "system_card", p)
}

// downloadSystemCard sends the system card as a Markdown file or a self-contained HTML page. The HTML
// page carries its own Content-Security-Policy, which allows its inline style and nothing else.
func (w *Web) downloadSystemCard(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "markdown" && format != "html" {
		return aims.FieldError("format", "Download the card as markdown or html.")
	}
	card, err := syscard.Load(r.Context(), syscard.Source{Systems: w.Systems, Components: w.Components}, v.org.ID, v.org.Name, id, w.Now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name, ct := card.FileName("md"), "text/markdown; charset=utf-8"
	if format == "html" {
		name, ct = card.FileName("html"), "text/html; charset=utf-8"
		err = card.WriteHTML(&buf)
		rw.Header().Set("Content-Security-Policy", syscard.ContentSecurityPolicy())
	} else {
		err = card.WriteMarkdown(&buf)
	}
	if err != nil {
		return err
	}
	rw.Header().Set("Content-Type", ct)
	rw.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = buf.WriteTo(rw)
	return err
}

// importModelCard imports an uploaded model card for the system named by the path, then shows the card.
func (w *Web) importModelCard(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	form := ModelCardForm{}
	res, err := w.doImportModelCard(rw, r, v, id, &form)
	if err != nil {
		fe, status, ok := formError(err, "file", "component_id", "name", "model_card_url")
		if !ok || status == http.StatusNotFound {
			return err
		}
		form.Err = fe
		return w.renderSystemCard(rw, r, v, status, form)
	}
	verb := "Updated"
	if res.Created {
		verb = "Registered"
	}
	w.flash(rw, flashOK, fmt.Sprintf("%s the model %s from its card (version %d, %d evaluation results).", verb,
		res.Component.Name, res.Card.Number, len(res.Card.Card.Results)))
	http.Redirect(rw, r, "/model-cards/"+res.Card.ID, http.StatusSeeOther)
	return nil
}

func (w *Web) doImportModelCard(rw http.ResponseWriter, r *http.Request, v *visit, systemID string, form *ModelCardForm) (*component.ModelCardResult, error) {
	if err := parseUpload(rw, r); err != nil {
		return nil, err
	}
	form.ComponentID = strings.TrimSpace(r.PostFormValue("component_id"))
	form.Name = strings.TrimSpace(r.PostFormValue("name"))
	form.URL = strings.TrimSpace(r.PostFormValue("url"))
	data, _, err := uploaded(r, "file")
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, aims.FieldError("file", "Choose the model card (README.md) to import.")
	}
	if len(data) > component.MaxModelCardBytes {
		return nil, aims.FieldError("file", "The model card is larger than %d MiB.", component.MaxModelCardBytes>>20)
	}
	res, err := w.Components.ImportModelCard(r.Context(), v.org.ID, systemID, bytes.NewReader(data),
		component.ModelCardOptions{ComponentID: form.ComponentID, Name: form.Name, URL: form.URL})
	if err != nil && aims.ErrorField(err) == "" && aims.ErrorCode(err) == aims.EINVALID {
		// A fault in the file itself (its front matter, its encoding) belongs next to the file field.
		return nil, aims.FieldError("file", "%s", aims.ErrorMessage(err))
	}
	if err != nil && form.ComponentID != "" && aims.ErrorCode(err) == aims.ENOTFOUND && aims.ErrorMessage(err) == "Component not found." {
		return nil, aims.FieldError("component_id", "Choose one of the system's models.")
	}
	return res, err
}

// modelCardPage shows the model card named by the path.
func (w *Web) modelCardPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	mc, err := w.Components.ModelCard(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	c, err := w.Components.Component(ctx, v.org.ID, mc.ComponentID)
	if err != nil {
		return err
	}
	// The first page of each; the component's page has the rest.
	refs, moreRefs, err := w.Components.ComponentSystemsPage(ctx, v.org.ID, c.ID, pageOf("", componentListsPageSize))
	if err != nil {
		return err
	}
	versions, moreVersions, err := w.Components.ComponentModelCardsPage(ctx, v.org.ID, c.ID, pageOf("", componentListsPageSize))
	if err != nil {
		return err
	}
	p := ModelCardPage{Layout: w.layout(rw, r, v, "Model card of "+c.Name, systemsPath), Card: mc, Component: c,
		Systems: refs, Versions: versions, More: moreRefs != "" || moreVersions != ""}
	return w.render(rw, r, http.StatusOK, "model_card", p)
}
