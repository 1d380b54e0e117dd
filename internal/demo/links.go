package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// demoLinks are how Lumen's records hang together: which systems carry out which controls, and what rests
// on what. Systems are named by name and the model by its name; a control by framework key and reference.
var demoLinks = []struct {
	from, relationship, to, note string
}{
	{"system:Lumen Assist", "implements", "control:iso42001-2023/A.6.2.6",
		"Weekly review of sampled conversations and the hand-over rate dashboard."},
	{"system:Lumen Assist", "implements", "control:iso42001-2023/A.8.2", "The in-chat notice and the help-centre page on the assistant."},
	{"system:TalentMatch", "implements", "control:iso42001-2023/A.6.2.4", "Bias and accuracy checks on each release of the ranker."},
	{"system:Lumen Assist", "depends-on", "component:" + assistModel, "The base model every answer comes from."},
	{"system:Lumen Code", "relates-to", "system:Lumen Assist", "Both serve the same API customers and share the safety filters."},
}

// LoadLinks links Lumen's systems to the controls they carry out and to what they depend on, as its AIMS
// manager would, leaving links that exist alone. It expects LoadSystems and LoadModelCards to have run; a
// record that is gone (the organization changed its inventory) is skipped.
func LoadLinks(ctx context.Context, records *record.Service, systems *system.Service, components *component.Service, st SoAStore) error {
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
	named := func(s string) (string, bool, error) {
		t, name, _ := strings.Cut(s, ":")
		switch t {
		case "system":
			ss, _, err := systems.List(ctx, org.ID, system.Filter{Query: name}, aims.Page{Limit: 10})
			if err != nil {
				return "", false, err
			}
			for _, x := range ss {
				if x.Name == name {
					return "system:" + x.ID, true, nil
				}
			}
			return "", false, nil
		case "component":
			c, err := components.ComponentByKey(ctx, org.ID, "model", name, "")
			if aims.ErrorCode(err) == aims.ENOTFOUND {
				return "", false, nil
			}
			if err != nil {
				return "", false, err
			}
			return "component:" + c.ID, true, nil
		}
		return s, true, nil
	}
	for _, l := range demoLinks {
		from, ok, err := named(l.from)
		if err != nil || !ok {
			return err
		}
		to, ok, err := named(l.to)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		_, err = records.Link(ctx, org.ID, record.NewLink{Relationship: l.relationship, From: from, To: to, Note: l.note})
		if err != nil && aims.ErrorCode(err) != aims.ECONFLICT {
			return fmt.Errorf("cannot link %s to %s: %w", l.from, l.to, err)
		}
	}
	return nil
}
