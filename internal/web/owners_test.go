package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// ownerOptions returns the names the owner select of a page offers, without the "nobody" choice.
func ownerOptions(t *testing.T, body, selectID string) []string {
	t.Helper()
	i := strings.Index(body, `id="`+selectID+`"`)
	if i < 0 {
		t.Fatalf("no select #%s", selectID)
	}
	sel := body[i : i+strings.Index(body[i:], "</select>")]
	var names []string
	for _, m := range regexp.MustCompile(`<option value="([^"]+)"[^>]*>([^<]*)</option>`).FindAllStringSubmatch(sel, -1) {
		names = append(names, m[2])
	}
	return names
}

// TestOnlyMembersWhoMayChangeARecordAreOfferedAsItsOwner checks the forms of a control and of an AI system
// in the demo: Grace Liu audits (she reads, changes nothing), so she is not offered as an owner, while the
// contributors and managers are; and a form sent with her as owner anyway is refused beside the field.
func TestOnlyMembersWhoMayChangeARecordAreOfferedAsItsOwner(t *testing.T) {
	t.Parallel()
	f, org, owner := demoFixture(t)
	b := browserAs(t, f, owner, org)
	grace, err := f.DB.UserByEmail(f.Ctx, "grace.liu@lumenlabs.example")
	if err != nil {
		t.Fatal(err)
	}

	control := "/controls/iso42001-2023/A.6.2.4"
	p := b.get(control)
	expect(t, p, http.StatusOK, "")
	offered := strings.Join(ownerOptions(t, p.Body, "owner"), ", ")
	if strings.Contains(offered, "Grace Liu") || !strings.Contains(offered, "Priya Nair") || !strings.Contains(offered, "Daniel Reyes") {
		t.Errorf("the control's owner choices are %s; want the members who may change controls, not the auditor", offered)
	}
	p = b.post(control, url.Values{"applicability": {"applicable"}, "justification": {"We release models."}, "status": {"planned"},
		"owner_id": {grace.ID}, "version": {hidden(t, p.Body, control, "version")}})
	expect(t, p, http.StatusBadRequest, "")
	if !strings.Contains(p.Body, `id="owner-error"`) {
		t.Errorf("the refusal is not beside the owner:\n%s", excerpt(p))
	}

	systems, _, err := f.Systems.List(f.Ctx, org.ID, system.Filter{}, aims.Page{Limit: 1})
	if err != nil || len(systems) == 0 {
		t.Fatalf("no demo system: %v", err)
	}
	p = b.get("/systems/" + systems[0].ID + "/edit")
	expect(t, p, http.StatusOK, "")
	offered = strings.Join(ownerOptions(t, p.Body, "sys-owner"), ", ")
	if strings.Contains(offered, "Grace Liu") || !strings.Contains(offered, "Priya Nair") {
		t.Errorf("the system's owner choices are %s; want the members who may change systems, not the auditor", offered)
	}
}
