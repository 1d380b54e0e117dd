package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// Every mapping says what kind of source it has, so that a derived clause alignment is never taken for a
// published crosswalk; the contract test checks source_kind against its enum.
func TestMappingsSayWhetherTheirSourceIsPublishedDerivedAimsOrOwn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	manager, viewer := e.member(t, acme, aims.RoleManager), e.member(t, acme, aims.RoleViewer)

	body := map[string]any{"from_framework": framework.ISO42001, "from_ref": "6.3", "to_framework": framework.ISO27001,
		"to_ref": "A.5.37", "relationship": "intersects"}
	var m framework.Mapping
	e.do(t, "POST", "/api/v1/mappings", manager.Token, body).want(t, 201).decode(t, &m)
	if m.SourceKind != framework.SourceByOrg {
		t.Fatalf("own mapping %+v", m)
	}

	var d framework.RequirementDetail
	e.do(t, "GET", "/api/v1/frameworks/"+framework.ISO42001+"/requirements/6.3", viewer.Token, nil).want(t, 200).decode(t, &d)
	kinds := map[string]string{}
	for _, r := range d.Related {
		kinds[r.Requirement.FrameworkKey+" "+r.Requirement.Ref] = r.Mapping.SourceKind
	}
	if kinds[framework.ISO27001+" 6.3"] != framework.SourceDerived || kinds[framework.ISO27001+" A.5.37"] != framework.SourceByOrg {
		t.Fatalf("6.3 mappings by kind %v", kinds)
	}
	for _, r := range d.Related {
		if r.Requirement.FrameworkKey == framework.ISO27001 && r.Requirement.Ref == "6.3" && r.Requirement.Title != "Planning of changes" {
			t.Errorf("ISO/IEC 27001 6.3 is titled %q", r.Requirement.Title)
		}
	}

	d = framework.RequirementDetail{}
	e.do(t, "GET", "/api/v1/frameworks/"+framework.ISO42001+"/requirements/A.8.4", viewer.Token, nil).want(t, 200).decode(t, &d)
	kinds = map[string]string{}
	for _, r := range d.Related {
		kinds[r.Requirement.FrameworkKey] = r.Mapping.SourceKind
	}
	if kinds[framework.NISTAIRMF] != framework.SourcePublished || kinds[framework.EUAIAct] != framework.SourceByAims {
		t.Fatalf("A.8.4 mappings by framework %v", kinds)
	}

	var cat framework.RequirementDetail
	e.do(t, "GET", "/api/v1/frameworks/"+framework.NISTAIRMF+"/requirements/MAP%201", viewer.Token, nil).want(t, 200).decode(t, &cat)
	if cat.Title != "Context is established and understood." {
		t.Errorf("MAP 1 is titled %q", cat.Title)
	}
}
