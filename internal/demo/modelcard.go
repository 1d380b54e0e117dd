package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// assistModel is the third-party base model behind Lumen Assist. The model, its supplier and its numbers
// are made up for the demo; the card follows the layout of a Hugging Face model card.
const (
	assistModel    = "nw-chat-8b-instruct"
	assistSupplier = "Northwind AI (fictitious)"
	assistCardURL  = "https://huggingface.co/northwind-ai/nw-chat-8b-instruct"
)

// assistModelCard is the model card Lumen's AIMS manager imports for Lumen Assist's base model.
const assistModelCard = `---
license: apache-2.0
language:
- en
- de
- fr
pipeline_tag: text-generation
library_name: transformers
base_model: northwind-ai/nw-base-8b
datasets:
- northwind-ai/instruct-mix-v2
- northwind-ai/safety-prefs-v1
tags:
- chat
- instruct
model-index:
- name: nw-chat-8b-instruct
  results:
  - task:
      type: question-answering
      name: Multiple-choice knowledge questions
    dataset:
      type: cais/mmlu
      name: MMLU
      config: all
      split: test
    metrics:
    - type: accuracy
      name: Accuracy (5-shot)
      value: 0.662
  - task:
      type: text-generation
      name: Truthful answers
    dataset:
      type: truthfulqa/truthful_qa
      name: TruthfulQA
      config: generation
      split: validation
    metrics:
    - type: truthful_informative
      name: Truthful and informative
      value: 0.58
  - task:
      type: text-generation
      name: Refusal of harmful requests
    dataset:
      type: northwind-ai/redteam-prompts
      name: Northwind red-team prompts
      split: test
    metrics:
    - type: refusal_rate
      name: Refusal rate
      value: 0.97
    - type: over_refusal_rate
      name: Refusal of benign look-alikes
      value: 0.06
---

# nw-chat-8b-instruct

## Model description

nw-chat-8b-instruct is an 8-billion-parameter chat model tuned from nw-base-8b to follow instructions and
hold multi-turn conversations in English, German and French. It was tuned on a mix of licensed and
synthetic instruction data and on preference data about safe answers.

## Intended uses & limitations

Assistants that answer questions and draft text under the oversight of their operator, grounded in the
operator's own documents. Not meant for medical, legal or financial advice, nor for decisions about people.

## Bias, Risks, and Limitations

- States wrong facts with confidence, more often on niche topics and on events after its training data
  (cut-off: March 2025). Ground answers in retrieved documents and show the sources.
- Answers in German and French are less accurate than in English (about 6 points lower on translated MMLU).
- Reflects biases of web text, for example about gender and occupations; evaluated on BBQ, where it still
  prefers stereotyped answers in ambiguous contexts 9% of the time.
- Refuses some benign requests that look like harmful ones (6% on our look-alike prompts).
- Prompt injection in retrieved documents can change its behaviour; treat retrieved text as untrusted.

## Training details

Supervised fine-tuning followed by direct preference optimisation; details in the technical report.
`

// LoadModelCards gives Lumen Assist's third-party base model a model card, as Lumen's AIMS manager would
// import it, unless the model has one already; the system card then shows its evaluation results and
// limitations. It expects LoadSystems to have run.
func LoadModelCards(ctx context.Context, systems *system.Service, components *component.Service, st SoAStore) error {
	org, err := st.OrganizationBySlug(ctx, OrgSlug)
	if err != nil {
		return fmt.Errorf("cannot find the demo organization: %w", err)
	}
	maya, err := st.UserByEmail(ctx, people[0].email)
	if err != nil {
		return err
	}
	ctx = aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: maya.ID, Name: maya.Name, UserID: maya.ID, OrgID: org.ID,
		OrgSlug: org.Slug, Role: aims.RoleOwner})
	ss, _, err := systems.List(ctx, org.ID, system.Filter{Query: lumenSystems[0].Name}, aims.Page{Limit: 10})
	if err != nil {
		return err
	}
	var assist *system.System
	for _, s := range ss {
		if s.Name == lumenSystems[0].Name {
			assist = s
		}
	}
	if assist == nil {
		return nil // the organization's inventory is its own now
	}
	c, err := components.ComponentByKey(ctx, org.ID, "model", assistModel, "")
	switch {
	case aims.ErrorCode(err) == aims.ENOTFOUND:
		c, err = components.CreateComponent(ctx, org.ID, component.ComponentFields{Kind: "model", Name: assistModel,
			Supplier: assistSupplier, Licence: "apache-2.0"})
		if err != nil {
			return fmt.Errorf("cannot register Lumen Assist's base model: %w", err)
		}
		if _, err := components.Link(ctx, org.ID, assist.ID, c.ID, "base model (third party)",
			"Hosted by Lumen; answers are grounded in Lumen's documentation by retrieval."); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	cards, err := components.ComponentModelCards(ctx, org.ID, c.ID)
	if err != nil || len(cards) > 0 {
		return err
	}
	_, err = components.ImportModelCard(ctx, org.ID, assist.ID, strings.NewReader(assistModelCard),
		component.ModelCardOptions{ComponentID: c.ID, URL: assistCardURL})
	if err != nil {
		return fmt.Errorf("cannot import the model card of Lumen Assist's base model: %w", err)
	}
	return nil
}
