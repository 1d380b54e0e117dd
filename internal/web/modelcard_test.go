package web_test

import (
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/syscard"
)

const emotionCard = "../../testdata/modelcards/2en_distilbert-base-uncased-finetuned-emotion.README.md"

// prepareModelCards fills in the matrix's request for the routes of system cards and model cards: each
// addresses a fresh system of target (with an imported model card).
func prepareModelCards(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	seed := func() (*system.System, *component.ModelCardResult) {
		ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
		s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Matrix system " + aims.NewID(), Purpose: "Matrix."})
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.Components.ImportModelCard(ctx, target.ID, s.ID, strings.NewReader("# Matrix model "+aims.NewID()+"\n"), component.ModelCardOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return s, res
	}
	switch route {
	case "GET /systems/{id}/card":
		s, _ := seed()
		r.path = "/systems/" + s.ID + "/card"
	case "GET /systems/{id}/card/download":
		s, _ := seed()
		r.path = "/systems/" + s.ID + "/card/download?format=markdown"
	case "POST /systems/{id}/model-cards":
		// The matrix posts URL-encoded forms, which carry no file: the upload form's answer, 400 with the
		// page, shows that the handler was reached. TestAModelCardIsUploadedAndShown uploads one.
		s, _ := seed()
		r.path = "/systems/" + s.ID + "/model-cards"
		r.okStatus = http.StatusBadRequest
	case "GET /model-cards/{id}":
		_, res := seed()
		r.path = "/model-cards/" + res.Card.ID
	}
}

func TestAModelCardIsUploadedAndShown(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme, other := f.Org(t, "acme"), f.Org(t, "other")
	u := newUser(t, f, "ada@acme.example", acme, aims.RoleContributor)
	viewer := newUser(t, f, "vic@acme.example", acme, aims.RoleViewer)
	stranger := newUser(t, f, "sam@other.example", other, aims.RoleOwner)
	s, err := f.Systems.Create(f.Ctx, acme.ID, system.Fields{Name: `Lumen <script>alert(1)</script>`, Purpose: "Drafts answers.",
		IntendedUse: "Agents edit drafts.", ForeseeableMisuse: "Legal advice.", HumanOversight: "An agent reviews every draft.", Team: "Support"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(emotionCard)
	if err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, u, acme)

	// The system page links to its card; the card offers the upload form and downloads.
	mustContain(t, b.get("/systems/"+s.ID), "System card")
	p := b.get("/systems/" + s.ID + "/card")
	expect(t, p, 200, "")
	mustContain(t, p, "System card: Lumen <script>alert(1)</script>", "Drafts answers.", "Legal advice.", "An agent reviews every draft.",
		"No model card with evaluation results is recorded", "Import a model card", "Download .md", "Download .html")
	if strings.Contains(p.Body, "<script>alert") {
		t.Error("the system's name is not escaped")
	}

	// A broken card is refused next to the file field, naming the line, and stores nothing.
	before := activityCount(t, f, acme.ID)
	p = b.upload("/systems/"+s.ID+"/model-cards", nil, map[string][2]string{"file": {"README.md", "---\nlicense: mit\nmodel-index: 3\n---\n# M\n"}})
	expect(t, p, 400, "")
	mustContain(t, p, "not valid at line 3")
	if !strings.Contains(p.Body, `id="card-file-error"`) {
		t.Error("the error is not shown at the file field")
	}
	p = b.upload("/systems/"+s.ID+"/model-cards", nil, nil)
	expect(t, p, 400, "")
	mustContain(t, p, "Choose the model card")
	if n := activityCount(t, f, acme.ID); n != before {
		t.Errorf("refused uploads changed the trail from %d to %d entries", before, n)
	}

	// A real card registers the model and shows its results.
	p = b.upload("/systems/"+s.ID+"/model-cards", map[string]string{"url": "https://huggingface.co/2en/distilbert-base-uncased-finetuned-emotion"},
		map[string][2]string{"file": {"README.md", string(raw)}})
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/model-cards/") {
		t.Fatalf("upload: %d to %q\n%s", p.Status, p.Location, excerpt(p))
	}
	cardPath := p.Location
	p = b.get(cardPath)
	expect(t, p, 200, "")
	mustContain(t, p, "Registered the model distilbert-base-uncased-finetuned-emotion from its card (version 1, 2 evaluation results).",
		"distilbert-base-uncased-finetuned-emotion", "apache-2.0", "text-classification", "emotion (default)", "train", "Accuracy", "0.9285",
		"F1", "0.9289358360077076", "Lumen <script>alert(1)</script>", "Show the Markdown", "generated_from_trainer")

	p = b.get("/systems/" + s.ID + "/card")
	mustContain(t, p, "0.9289358360077076", "emotion (default/train)", "version 1")
	if !strings.Contains(p.Body, `href="`+cardPath+`"`) {
		t.Error("the system card does not link the model card")
	}
	// The same card for the listed model is its second version.
	cs, err := f.Components.SystemComponents(f.Ctx, acme.ID, s.ID)
	if err != nil || len(cs) != 1 {
		t.Fatalf("components %v, %v", cs, err)
	}
	p = b.upload("/systems/"+s.ID+"/model-cards", map[string]string{"component_id": cs[0].ID}, map[string][2]string{"file": {"README.md", string(raw)}})
	expect(t, p, http.StatusSeeOther, "")
	mustContain(t, b.get(p.Location), "Updated the model", "version 2", "(shown)")
	// The model's own page lists both cards, newest first; the system page no longer offers the model for linking.
	p = b.get("/components/" + cs[0].ID)
	mustContain(t, p, "Model cards 2", "Card 2", "Card 1", "apache-2.0")
	if strings.Index(p.Body, "Card 2") > strings.Index(p.Body, "Card 1") {
		t.Error("the component page lists the older card first")
	}
	if strings.Contains(b.get("/systems/"+s.ID).Body, `<option value="`+cs[0].ID+`"`) {
		t.Error("the system page offers to link a component the system uses already")
	}

	// Downloads: Markdown, and HTML with its own policy; any member may have them.
	vb := browserAs(t, f, viewer, acme)
	p = vb.get("/systems/" + s.ID + "/card/download?format=markdown")
	expect(t, p, 200, "")
	if p.Header.Get("Content-Type") != "text/markdown; charset=utf-8" || !strings.HasPrefix(p.Header.Get("Content-Disposition"), `attachment; filename="system-card-lumen-script-alert-1-script.md"`) ||
		!strings.Contains(p.Body, "# System card: Lumen &lt;script&gt;") {
		t.Errorf("Markdown download: %v\n%.300s", p.Header, p.Body)
	}
	p = vb.get("/systems/" + s.ID + "/card/download?format=html")
	if p.Header.Get("Content-Security-Policy") != syscard.ContentSecurityPolicy() || strings.Contains(p.Body, "<script>") ||
		!strings.Contains(p.Body, "<td>0.9285</td>") {
		t.Errorf("HTML download: %v", p.Header)
	}
	expect(t, vb.get("/systems/"+s.ID+"/card/download?format=pdf"), 400, "")
	if strings.Contains(vb.get("/systems/"+s.ID+"/card").Body, "Import a model card") {
		t.Error("a viewer is offered the upload form")
	}

	// Another organization sees none of it.
	sb := browserAs(t, f, stranger, other)
	for _, path := range []string{"/systems/" + s.ID + "/card", cardPath, "/systems/" + s.ID + "/card/download?format=markdown"} {
		expect(t, sb.get(path), 404, "")
	}
	expect(t, sb.upload("/systems/"+s.ID+"/model-cards", nil, map[string][2]string{"file": {"README.md", string(raw)}}), 404, "")
}

// TestTheCardPageOfALargeSystemPointsToAllComponents: a system of 120 libraries shows the first 50 on
// its card page, says how many there are and links the page that lists them all.
func TestTheCardPageOfALargeSystemPointsToAllComponents(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	u := newUser(t, f, "ada@acme.example", acme, aims.RoleViewer)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: acme.ID})
	s, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "Big", Purpose: "Many parts."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Components.ImportBOM(ctx, acme.ID, s.ID, bytes.NewReader(aibomtest.Trivial(120)), "libs.json"); err != nil {
		t.Fatal(err)
	}
	p := browserAs(t, f, u, acme).get("/systems/" + s.ID + "/card")
	expect(t, p, 200, "")
	mustContain(t, p, "The system uses 120 components; this card lists the first 50 of its 120 other components.",
		"Show all components", "lib-000049")
	if !strings.Contains(p.Body, `href="/systems/`+s.ID+`/components"`) {
		t.Error("the card page does not link the components page")
	}
	if strings.Contains(p.Body, "lib-000050") {
		t.Error("the card page lists more than 50 components")
	}
}
