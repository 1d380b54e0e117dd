package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system/syscard"
)

// modelCardTypes are the media types a model card may be sent as.
var modelCardTypes = []string{"text/markdown", "text/x-markdown", "text/plain"}

// importModelCard takes a Hugging Face model card (Markdown with YAML front matter) as the body, up to
// component.MaxModelCardBytes, and imports it for the system: see component.Service.ImportModelCard.
func (a *API) importModelCard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !slices.Contains(modelCardTypes, mt) {
		return aims.Errorf(aims.EMEDIATYPE, "Send the model card as text/markdown.")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, component.MaxModelCardBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return aims.Errorf(aims.ETOOLARGE, "The model card is larger than %d MiB.", component.MaxModelCardBytes>>20)
	}
	if err != nil {
		return aims.Errorf(aims.EINVALID, "The model card could not be read.")
	}
	q := r.URL.Query()
	res, err := a.Components.ImportModelCard(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, bytes.NewReader(data),
		component.ModelCardOptions{ComponentID: q.Get("component_id"), Name: q.Get("name"), URL: q.Get("url")})
	if err != nil {
		return err
	}
	res.Card.Markdown = "" // the caller has it; GET /api/v1/model-cards/{id} returns it
	w.Header().Set("Location", "/api/v1/model-cards/"+res.Card.ID)
	return writeJSON(w, http.StatusCreated, res)
}

func (a *API) componentModelCards(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Component")
	if err != nil {
		return err
	}
	p, err := page(r)
	if err != nil {
		return err
	}
	cs, next, err := a.Components.ComponentModelCardsPage(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*component.ModelCard]{Items: items(cs), NextCursor: next})
}

func (a *API) getModelCard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Model card")
	if err != nil {
		return err
	}
	mc, err := a.Components.ModelCard(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mc)
}

// systemCard writes the system card of an AI system (ISO/IEC 42001, A.8.2) as Markdown (the default) or
// as a self-contained HTML page.
func (a *API) systemCard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "markdown"
	}
	if format != "markdown" && format != "html" {
		return aims.FieldError("format", "Ask for markdown or html.")
	}
	act := aims.ActorFrom(r.Context())
	org, err := a.Accounts.Store().OrganizationByID(r.Context(), act.OrgID)
	if err != nil {
		return err
	}
	card, err := syscard.Load(r.Context(), syscard.Source{Systems: a.Systems, Components: a.Components}, act.OrgID, org.Name, id, aims.Now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if format == "html" {
		err = card.WriteHTML(&buf)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", syscard.ContentSecurityPolicy())
		w.Header().Set("Content-Disposition", `inline; filename="`+card.FileName("html")+`"`)
	} else {
		err = card.WriteMarkdown(&buf)
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.Header().Set("Content-Disposition", `inline; filename="`+card.FileName("md")+`"`)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = buf.WriteTo(w)
	return err
}
