package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/soaexport"
)

// soaControl is the part of a control response the tests look at.
type soaControl struct {
	Framework     string `json:"framework"`
	Ref           string `json:"ref"`
	Applicability string `json:"applicability"`
	Justification string `json:"justification"`
	Status        string `json:"status"`
	OwnerID       string `json:"owner_id"`
	Version       int64  `json:"version"`
	InSoA         bool   `json:"in_soa"`
	Links         []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"links"`
}

// TestTheAIMSManagerWalksTheSoAThroughTheAPI is journey 1, step 5, through the API: declare the AI
// roles, apply the proposals, decide and own controls, link records, add controls, get the CTO to approve
// version 1, change a control, compare, approve version 2 and export.
func TestTheAIMSManagerWalksTheSoAThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lumen := e.org(t, "lumen")
	maya := e.member(t, lumen, aims.RoleOwner)
	cto := e.member(t, lumen, aims.RoleManager)
	priya := e.member(t, lumen, aims.RoleContributor)
	grace := e.member(t, lumen, aims.RoleAuditor)

	// The AI roles start empty, at version 1.
	var p control.Profile
	e.do(t, "GET", "/api/v1/context/ai-roles", grace.Token, nil).want(t, 200).decode(t, &p)
	if p.Version != 1 || len(p.AIRoles) != 0 || p.EUDates != "amended" {
		t.Fatalf("a new profile: %+v", p)
	}
	e.do(t, "POST", "/api/v1/soa/proposals", maya.Token, nil).wantProblem(t, 409, "conflict", "")
	e.send(t, call{method: "PUT", path: "/api/v1/context/ai-roles", token: maya.Token, offContract: true,
		body: map[string]any{"ai_roles": []string{"ai_wizard"}, "eu_roles": []string{}, "eu_dates": "published"}}).wantProblem(t, 400, "invalid", "ai_roles")
	res := e.do(t, "PUT", "/api/v1/context/ai-roles", maya.Token, map[string]any{"ai_roles": []string{"ai_producer", "ai_provider", "ai_customer"},
		"eu_roles": []string{"provider", "deployer"}, "eu_dates": "published"}, "If-Match", `"1"`).want(t, 200)
	res.decode(t, &p)
	if res.header.Get("ETag") != `"2"` || strings.Join(p.AIRoles, ",") != "ai_provider,ai_producer,ai_customer" {
		t.Fatalf("the profile after PUT: %+v, ETag %s", p, res.header.Get("ETag"))
	}
	e.do(t, "PUT", "/api/v1/context/ai-roles", maya.Token, map[string]any{"ai_roles": []string{}, "eu_roles": []string{}, "eu_dates": "amended"},
		"If-Match", `"1"`).wantProblem(t, 412, "precondition", "")

	var ob control.Obligations
	e.do(t, "GET", "/api/v1/context/eu-obligations", priya.Token, nil).want(t, 200).decode(t, &ob)
	if len(ob.Items) == 0 || ob.DateSet.Key != "published" {
		t.Fatalf("obligations %+v", ob)
	}

	// Approval is refused with the list while Annex A is undecided.
	var refused struct {
		Code     string              `json:"code"`
		Controls []control.CheckItem `json:"controls"`
	}
	e.do(t, "POST", "/api/v1/soa/versions", cto.Token, map[string]any{}).want(t, 409).decode(t, &refused)
	if refused.Code != "conflict" || len(refused.Controls) != 38 || refused.Controls[0].Ref != "A.2.2" {
		t.Fatalf("the refusal: %+v", refused)
	}

	var applied struct{ Applied []control.Proposal }
	e.do(t, "POST", "/api/v1/soa/proposals", priya.Token, nil).want(t, 200).decode(t, &applied)
	if len(applied.Applied) != 38 {
		t.Fatalf("applied %d proposals", len(applied.Applied))
	}

	// A control: read it, refuse an exclusion without a justification, save one with a justification.
	var c soaControl
	res = e.do(t, "GET", "/api/v1/controls/iso42001-2023/A.10.4", grace.Token, nil).want(t, 200)
	res.decode(t, &c)
	etag := res.header.Get("ETag")
	if c.Applicability != "applicable" || c.Links == nil || etag != `"2"` {
		t.Fatalf("A.10.4 after the proposals: %+v, ETag %s", c, etag)
	}
	before := e.counts(t, lumen)
	e.do(t, "PUT", "/api/v1/controls/iso42001-2023/A.10.4", priya.Token, map[string]any{"applicability": "excluded", "justification": "",
		"status": "not_started"}, "If-Match", etag).wantProblem(t, 400, "invalid", "justification")
	e.unchanged(t, before)
	e.do(t, "PUT", "/api/v1/controls/iso42001-2023/A.10.4", priya.Token, map[string]any{"applicability": "excluded",
		"justification": "Lumen's customers use the API under standard terms; no customer-specific AI obligations arise.", "status": "not_started"},
		"If-Match", etag).want(t, 200).decode(t, &c)
	if c.Applicability != "excluded" || c.Version != 3 {
		t.Fatalf("A.10.4 after the exclusion: %+v", c)
	}
	e.do(t, "PUT", "/api/v1/controls/iso42001-2023/A.10.4", priya.Token, map[string]any{"applicability": "applicable", "justification": "x",
		"status": "planned"}, "If-Match", etag).wantProblem(t, 412, "precondition", "")
	e.do(t, "PUT", "/api/v1/controls/iso42001-2023/A.6.2.4", priya.Token, map[string]any{"applicability": "applicable",
		"justification": "We release models.", "status": "implemented", "owner_id": priya.User.ID, "target_date": "2026-01-31"}).want(t, 200)
	e.do(t, "PUT", "/api/v1/controls/iso42001-2023/A.6.2.5", priya.Token, map[string]any{"applicability": "applicable",
		"justification": "We deploy.", "status": "planned", "owner_id": aims.NewID()}).wantProblem(t, 400, "invalid", "owner_id")
	// An auditor reads everything and changes nothing, so may not own a control.
	e.do(t, "PUT", "/api/v1/controls/iso42001-2023/A.6.2.5", priya.Token, map[string]any{"applicability": "applicable",
		"justification": "We deploy.", "status": "planned", "owner_id": grace.User.ID}).wantProblem(t, 400, "invalid", "owner_id")
	e.do(t, "PUT", "/api/v1/controls/iso42001-2023/A.6", priya.Token, map[string]any{"status": "planned"}).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/controls/nope/A.1", priya.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "PUT", "/api/v1/controls/iso27001-2022/A.5.1", priya.Token, map[string]any{"applicability": "applicable",
		"justification": "x", "status": "planned"}).wantProblem(t, 409, "conflict", "")
	var clause soaControl
	e.do(t, "PUT", "/api/v1/controls/iso42001-2023/6.1.3", priya.Token, map[string]any{"status": "implemented"}).want(t, 200).decode(t, &clause)
	if clause.Applicability != "applicable" || clause.InSoA {
		t.Fatalf("clause 6.1.3: %+v", clause)
	}

	// Links to the records that satisfy a control.
	var link struct{ ID string }
	e.do(t, "POST", "/api/v1/controls/iso42001-2023/A.6.2.4/links", priya.Token, map[string]any{"kind": "url", "title": "Release evaluation",
		"target": "https://ci.lumenlabs.example/evals/412"}).want(t, 201).decode(t, &link)
	e.do(t, "POST", "/api/v1/controls/iso42001-2023/A.6.2.4/links", priya.Token, map[string]any{"kind": "url", "title": "Bad",
		"target": "ftp://x"}).wantProblem(t, 400, "invalid", "target")
	e.do(t, "POST", "/api/v1/controls/iso42001-2023/A.99/links", priya.Token, map[string]any{"kind": "document", "title": "x"}).wantProblem(t, 404, "not_found", "")
	e.do(t, "POST", "/api/v1/controls/iso27001-2022/A.5.1/links", priya.Token, map[string]any{"kind": "document", "title": "x"}).wantProblem(t, 409, "conflict", "")
	e.do(t, "GET", "/api/v1/controls/iso42001-2023/A.6.2.4", grace.Token, nil).want(t, 200).decode(t, &c)
	if len(c.Links) != 1 || c.Links[0].ID != link.ID {
		t.Fatalf("links of A.6.2.4: %+v", c.Links)
	}

	// Controls added to the SoA: an ISO/IEC 27001 control, and one of Lumen's own.
	res = e.do(t, "POST", "/api/v1/soa/controls", maya.Token, map[string]any{"framework": "iso27001-2022", "ref": "A.5.23"}).want(t, 201)
	if res.header.Get("Location") != "/api/v1/controls/iso27001-2022/A.5.23" {
		t.Fatalf("Location %q", res.header.Get("Location"))
	}
	e.do(t, "POST", "/api/v1/soa/controls", maya.Token, map[string]any{"framework": "own-controls", "ref": "LL-01",
		"title": "Publish a model card with every release"}).want(t, 201)
	e.do(t, "POST", "/api/v1/soa/controls", maya.Token, map[string]any{"framework": "own-controls", "ref": "LL-01", "title": "Again"}).wantProblem(t, 409, "conflict", "ref")
	e.do(t, "POST", "/api/v1/soa/controls", maya.Token, map[string]any{"framework": "iso27001-2022", "ref": "A.99"}).wantProblem(t, 404, "not_found", "ref")
	e.do(t, "POST", "/api/v1/soa/controls", maya.Token, map[string]any{"framework": "iso42001-2023", "ref": "A.2.2"}).wantProblem(t, 400, "invalid", "framework")
	e.do(t, "PUT", "/api/v1/controls/own-controls/LL-01", priya.Token, map[string]any{"applicability": "applicable",
		"justification": "Customers ask for model cards.", "status": "partial"}).want(t, 200)
	e.do(t, "DELETE", "/api/v1/soa/controls/iso42001-2023/A.2.2", maya.Token, nil).wantProblem(t, 409, "conflict", "")
	e.do(t, "DELETE", "/api/v1/soa/controls/iso27001-2022/A.5.1", maya.Token, nil).wantProblem(t, 404, "not_found", "")

	// The live SoA with its checks.
	var soa control.SoA
	e.do(t, "GET", "/api/v1/soa", grace.Token, nil).want(t, 200).decode(t, &soa)
	if len(soa.Rows) != 40 || len(soa.Checks.Undecided) != 1 || soa.Checks.Undecided[0].Ref != "A.5.23" || len(soa.Checks.NoOwner) == 0 {
		t.Fatalf("live SoA: %d rows, checks %+v", len(soa.Rows), soa.Checks.Undecided)
	}

	// The CTO approves; an auditor may not.
	e.do(t, "POST", "/api/v1/soa/versions", grace.Token, map[string]any{"note": "x"}).wantProblem(t, 403, "forbidden", "")
	e.send(t, call{method: "POST", path: "/api/v1/soa/versions", token: cto.Token, body: map[string]any{"note": strings.Repeat("n", 2001)},
		offContract: true}).wantProblem(t, 400, "invalid", "note")
	var v1 control.Version
	res = e.do(t, "POST", "/api/v1/soa/versions", cto.Token, map[string]any{"note": "Approved at the May management review."}).want(t, 201)
	res.decode(t, &v1)
	if v1.Number != 1 || v1.ApprovedByID != cto.User.ID || res.header.Get("Location") != "/api/v1/soa/versions/1" {
		t.Fatalf("version 1: %+v at %s", v1, res.header.Get("Location"))
	}
	e.do(t, "PUT", "/api/v1/controls/iso42001-2023/A.6.2.4", priya.Token, map[string]any{"applicability": "applicable",
		"justification": "We release models; each release passes the evaluation gate.", "status": "implemented", "owner_id": priya.User.ID}).want(t, 200)
	e.do(t, "POST", "/api/v1/soa/versions", cto.Token, map[string]any{}).want(t, 201)

	var got struct {
		Number int          `json:"number"`
		SoA    *control.SoA `json:"soa"`
	}
	e.do(t, "GET", "/api/v1/soa/versions/1", grace.Token, nil).want(t, 200).decode(t, &got)
	for _, r := range got.SoA.Rows {
		if r.Ref == "A.6.2.4" && r.Justification != "We release models." {
			t.Fatalf("version 1 changed: %+v", r)
		}
	}
	e.do(t, "GET", "/api/v1/soa/versions/9", grace.Token, nil).wantProblem(t, 404, "not_found", "")
	var list struct {
		Items      []control.Version `json:"items"`
		NextCursor string            `json:"next_cursor"`
	}
	e.do(t, "GET", "/api/v1/soa/versions?limit=1", grace.Token, nil).want(t, 200).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Number != 2 || list.NextCursor == "" {
		t.Fatalf("versions page 1: %+v", list)
	}
	e.do(t, "GET", "/api/v1/soa/versions?cursor=zz", grace.Token, nil).wantProblem(t, 400, "invalid", "cursor")

	var d control.Diff
	e.do(t, "GET", "/api/v1/soa/diff?from=1&to=2", grace.Token, nil).want(t, 200).decode(t, &d)
	if len(d.Changes) != 1 || d.Changes[0].Ref != "A.6.2.4" || d.Changes[0].Fields[0].Field != "justification" {
		t.Fatalf("diff 1..2: %+v", d)
	}
	e.do(t, "GET", "/api/v1/soa/diff?from=2", grace.Token, nil).want(t, 200).decode(t, &d)
	if len(d.Changes) != 0 || d.To != "live" {
		t.Fatalf("diff 2..live: %+v", d)
	}
	e.do(t, "GET", "/api/v1/soa/diff?from=7&to=live", grace.Token, nil).wantProblem(t, 404, "not_found", "")
	e.send(t, call{method: "GET", path: "/api/v1/soa/diff?from=first", token: grace.Token, offContract: true}).wantProblem(t, 400, "invalid", "from")

	// Exports.
	res = e.do(t, "GET", "/api/v1/soa/export?format=xlsx&version=1", grace.Token, nil).want(t, 200)
	if res.header.Get("Content-Disposition") != `attachment; filename="aims-soa-lumen-v1.xlsx"` {
		t.Errorf("Content-Disposition %q", res.header.Get("Content-Disposition"))
	}
	x, err := excelize.OpenReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	rows, _ := x.GetRows(soaexport.SheetSoA)
	x.Close()
	if len(rows) != 41 {
		t.Errorf("the XLSX has %d rows", len(rows))
	}
	res = e.do(t, "GET", "/api/v1/soa/export?format=csv", grace.Token, nil).want(t, 200)
	if recs, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll(); err != nil || len(recs) != 41 {
		t.Errorf("the CSV: %d records, %v", len(recs), err)
	}
	res = e.do(t, "GET", "/api/v1/soa/export?format=pdf&version=2", grace.Token, nil).want(t, 200)
	if !bytes.HasPrefix(res.body, []byte("%PDF-")) || mediaType(res.header) != "application/pdf" {
		t.Errorf("the PDF starts %.10q, type %s", res.body, res.header.Get("Content-Type"))
	}
	res = e.do(t, "GET", "/api/v1/soa/export?format=oscal&version=live", grace.Token, nil).want(t, 200)
	var oscal map[string]any
	if err := json.Unmarshal(res.body, &oscal); err != nil || oscal["component-definition"] == nil {
		t.Errorf("the OSCAL export: %v", err)
	}
	e.send(t, call{method: "GET", path: "/api/v1/soa/export?format=docx", token: grace.Token, offContract: true}).wantProblem(t, 400, "invalid", "format")
	e.do(t, "GET", "/api/v1/soa/export?format=csv&version=5", grace.Token, nil).wantProblem(t, 404, "not_found", "")

	var cov control.Coverage
	e.do(t, "GET", "/api/v1/coverage?framework=nist-ai-rmf-1.0", grace.Token, nil).want(t, 200).decode(t, &cov)
	if cov.Targets != 72 {
		t.Errorf("coverage of %d NIST subcategories", cov.Targets)
	}
	e.do(t, "GET", "/api/v1/coverage?framework=eu-ai-act", grace.Token, nil).want(t, 200).decode(t, &cov)
	e.send(t, call{method: "GET", path: "/api/v1/coverage?framework=iso27001-2022", token: grace.Token, offContract: true}).wantProblem(t, 400, "invalid", "framework")

	// Removing a link and an added control.
	e.do(t, "DELETE", "/api/v1/controls/iso42001-2023/A.6.2.4/links/"+link.ID, priya.Token, nil).want(t, http.StatusNoContent)
	e.do(t, "DELETE", "/api/v1/controls/iso42001-2023/A.6.2.4/links/"+link.ID, priya.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "DELETE", "/api/v1/soa/controls/iso27001-2022/A.5.23", maya.Token, nil).want(t, http.StatusNoContent)
	if _, err := e.DB.VerifyActivity(e.Ctx, lumen.ID); err != nil {
		t.Fatalf("the activity trail: %v", err)
	}
}
