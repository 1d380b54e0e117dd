package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/soaexport"
)

// TestTheSoAThroughTheUI walks journey 1, step 5 through the pages: the AI roles, the proposals, a
// control refused without a justification and saved with one, links, an added control, the approval
// refused and then given, the version, the comparison and the downloads.
func TestTheSoAThroughTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	maya := newUser(t, f, "maya@lumen.example", org, aims.RoleOwner)
	cto := newUser(t, f, "daniel@lumen.example", org, aims.RoleManager)
	priya := newUser(t, f, "priya@lumen.example", org, aims.RoleContributor)
	grace := newUser(t, f, "grace@lumen.example", org, aims.RoleAuditor)
	b := browserAs(t, f, maya, org)

	t.Run("the AI roles drive proposals and obligations", func(t *testing.T) {
		p := b.get("/context/ai-roles")
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "Declare at least one AI role to get proposals.", "Declare your EU AI Act roles")
		version := hidden(t, p.Body, "/context/ai-roles", "version")
		p = b.post("/context/ai-roles", url.Values{"ai_roles": {"ai_provider", "ai_producer", "ai_customer"}, "eu_roles": {"provider", "deployer"},
			"eu_dates": {"nonsense"}, "version": {version}})
		expect(t, p, http.StatusBadRequest, "")
		if !strings.Contains(p.Body, `id="eu-dates-error"`) || !strings.Contains(p.Body, `id="ai-ai_producer" name="ai_roles" value="ai_producer" checked`) {
			t.Error("the error is not beside the date sets, or the form lost its values")
		}
		expect(t, b.post("/context/ai-roles", url.Values{"ai_roles": {"ai_provider", "ai_producer", "ai_customer"}, "eu_roles": {"provider", "deployer"},
			"eu_dates": {"published"}, "version": {version}}), http.StatusSeeOther, "/context/ai-roles")
		p = b.get("/context/ai-roles")
		mustContain(t, p, "The AI roles are saved.", "Apply proposals to 38 undecided controls", "Art. 26", "Annex III: 2026-08-02", "Annex I: 2027-08-02")
		expect(t, b.post("/soa/proposals", nil), http.StatusSeeOther, "/soa")
		mustContain(t, b.get("/soa"), "The proposals decided 38 controls.")
	})

	a1024 := "/controls/iso42001-2023/A.10.4"
	t.Run("an exclusion without a justification is refused beside the field and nothing is saved", func(t *testing.T) {
		pb := browserAs(t, f, priya, org)
		p := pb.get(a1024)
		expect(t, p, http.StatusOK, "")
		version := hidden(t, p.Body, a1024, "version")
		before := activityCount(t, f, org.ID)
		p = pb.post(a1024, url.Values{"applicability": {"excluded"}, "justification": {"  "}, "status": {"not_started"}, "version": {version}})
		expect(t, p, http.StatusBadRequest, "")
		if !strings.Contains(p.Body, `<p id="justification-error" class="field-error">`) || !strings.Contains(p.Body, `value="excluded" id="applicability-excluded" checked`) {
			t.Errorf("the error is not beside the justification, or the choice was lost:\n%s", excerpt(p))
		}
		if activityCount(t, f, org.ID) != before {
			t.Error("a refused decision changed something")
		}
		expect(t, pb.post(a1024, url.Values{"applicability": {"excluded"}, "status": {"not_started"}, "version": {version},
			"justification": {"Lumen's customers use the API under standard terms."}}), http.StatusSeeOther, a1024)
		p = pb.post(a1024, url.Values{"applicability": {"applicable"}, "justification": {"x"}, "status": {"planned"}, "version": {version}})
		expect(t, p, http.StatusPreconditionFailed, "")
		mustContain(t, p, "Someone else changed this control while you were editing: it is now Excluded")
	})

	t.Run("links to records are added and removed", func(t *testing.T) {
		path := "/controls/iso42001-2023/A.6.2.4"
		expect(t, b.post(path, url.Values{"applicability": {"applicable"}, "justification": {"We release models."}, "status": {"implemented"},
			"owner_id": {priya.ID}, "target_date": {"2026-01-31"}, "version": {hidden(t, b.get(path).Body, path, "version")}}), http.StatusSeeOther, path)
		p := b.post(path+"/links", url.Values{"kind": {"url"}, "title": {"Eval"}, "target": {"javascript:alert(1)"}})
		expect(t, p, http.StatusBadRequest, "")
		if !strings.Contains(p.Body, `id="link-target-error"`) {
			t.Error("the link error is not beside the address")
		}
		expect(t, b.post(path+"/links", url.Values{"kind": {"url"}, "title": {"Release evaluation 412"}, "target": {"https://ci.example/evals/412"}}),
			http.StatusSeeOther, path+"#links")
		p = b.get(path)
		mustContain(t, p, "Release evaluation 412", "AI system verification and validation", "The records an auditor expects")
		c, err := f.Controls.Control(f.Ctx, org.ID, framework.ISO42001, "A.6.2.4")
		if err != nil || len(c.Links) != 1 {
			t.Fatalf("links %+v, %v", c, err)
		}
		expect(t, b.post(path+"/links/"+c.Links[0].ID+"/remove", nil), http.StatusSeeOther, path+"#links")
	})

	t.Run("a control of another framework is added to the SoA", func(t *testing.T) {
		p := b.post("/soa/controls", url.Values{"framework": {"iso27001-2022"}, "ref": {"A.99"}})
		expect(t, p, http.StatusNotFound, "")
		if !strings.Contains(p.Body, `id="add-ref-error"`) {
			t.Error("the error is not beside the reference")
		}
		expect(t, b.post("/soa/controls", url.Values{"framework": {"own-controls"}, "ref": {"LL-01"}, "title": {"Model card for every release"}}),
			http.StatusSeeOther, "/controls/own-controls/LL-01")
		p = b.get("/soa")
		mustContain(t, p, "Own controls", "LL-01", "Model card for every release", "1 without a decision or justification.")
		expect(t, b.post("/soa/controls/own-controls/LL-01/remove", nil), http.StatusSeeOther, "/soa")
		expect(t, b.post("/soa/controls/iso42001-2023/A.2.2/remove", nil), http.StatusSeeOther, "/controls/iso42001-2023/A.2.2")
	})

	t.Run("the SoA is filtered and shows its checks", func(t *testing.T) {
		p := browserAs(t, f, grace, org).get("/soa?applicability=excluded")
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "1 of 38 controls", "A.10.4", "applicable without an owner")
		if strings.Contains(text(p.Body), "A.2.2 AI policy") || strings.Contains(p.Body, `action="/soa/controls"`) {
			t.Error("the filter shows an applicable control, or an auditor gets the add form")
		}
	})

	t.Run("the approval is refused with the list, then given", func(t *testing.T) {
		ctx := f.Member(t, maya, org)
		if _, err := f.Controls.UpdateControl(ctx, org.ID, framework.ISO42001, "A.3.3", control.Update{Applicability: control.Undecided,
			Status: control.NotStarted}, 0); err != nil {
			t.Fatal(err)
		}
		cb := browserAs(t, f, cto, org)
		p := cb.post("/soa/versions", url.Values{"note": {"May review"}})
		expect(t, p, http.StatusConflict, "")
		mustContain(t, p, "1 Annex A controls lack a decision with a justification", "A.3.3")
		if _, err := f.Controls.UpdateControl(ctx, org.ID, framework.ISO42001, "A.3.3", control.Update{Applicability: control.Applicable,
			Justification: "Staff raise concerns through the ethics channel.", Status: control.Implemented}, 0); err != nil {
			t.Fatal(err)
		}
		expect(t, cb.post("/soa/versions", url.Values{"note": {"Approved at the May management review."}}), http.StatusSeeOther, "/soa/versions/1")
		p = cb.get("/soa/versions/1")
		mustContain(t, p, "Statement of Applicability, version 1", "Approved by daniel@lumen.example", "Approved at the May management review.")
		if strings.Contains(p.Body, `action="/soa/versions"`) {
			t.Error("a version page offers the approval")
		}
	})

	t.Run("versions are compared and exported", func(t *testing.T) {
		path := "/controls/iso42001-2023/A.6.2.4"
		expect(t, b.post(path, url.Values{"applicability": {"applicable"}, "justification": {"Every release passes the evaluation gate."},
			"status": {"implemented"}, "owner_id": {priya.ID}, "version": {hidden(t, b.get(path).Body, path, "version")}}), http.StatusSeeOther, path)
		p := b.get("/soa/diff?from=1&to=live")
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "A.6.2.4", "We release models.", "Every release passes the evaluation gate.")
		mustContain(t, b.get("/soa/versions"), "Version 1", "daniel@lumen.example", "Approve as version 2")
		expect(t, b.get("/soa/versions/7"), http.StatusNotFound, "")
		expect(t, b.get("/soa/export?format=docx"), http.StatusBadRequest, "")
		p = b.get("/soa/export?format=xlsx&version=1")
		expect(t, p, http.StatusOK, "")
		if p.Header.Get("Content-Disposition") != `attachment; filename="aims-soa-lumen-v1.xlsx"` {
			t.Errorf("Content-Disposition %q", p.Header.Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(p.Body)))
		if err != nil {
			t.Fatalf("the download is not a workbook: %v", err)
		}
		defer x.Close()
		if rows, _ := x.GetRows(soaexport.SheetSoA); len(rows) != 39 {
			t.Errorf("the workbook has %d rows", len(rows))
		}
	})

	t.Run("the other pages show the state", func(t *testing.T) {
		vb := browserAs(t, f, newUser(t, f, "viewer@lumen.example", org, aims.RoleViewer), org)
		mustContain(t, vb.get("/planning"), "Version 1 was approved by daniel@lumen.example", "Annex A controls decided")
		mustContain(t, vb.get("/clauses"), "4.1", "Understanding the organization and its context", "0 of 32 are implemented")
		mustContain(t, vb.get("/coverage"), "NIST AI RMF 1.0", "What is left", "GOVERN 1.1")
		mustContain(t, vb.get("/coverage?framework=eu-ai-act"), "EU AI Act")
		expect(t, vb.get("/coverage?framework=iso27001-2022"), http.StatusBadRequest, "")
		p := vb.get("/controls/iso42001-2023/A.6.2.4")
		mustContain(t, p, "Every release passes the evaluation gate.", "Your role reads this control")
		if strings.Contains(p.Body, `<form method="post"`) && strings.Contains(p.Body, `name="justification"`) {
			t.Error("a viewer gets the control form")
		}
		expect(t, vb.get("/controls/iso42001-2023/A.6"), http.StatusNotFound, "")
	})
}
