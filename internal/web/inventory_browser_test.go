package web_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/component"
)

// TestBrowserInventory drives headless Chromium through the journey of an AI system as a contributor
// makes it: register a CV-screening system with the form, upload its CycloneDX ML-BOM on the BOM page
// (a broken file first, which is refused with nothing imported), classify it with the EU AI Act
// questionnaire (a contradicting class without a justification is refused beside the field, with the
// answers kept), and read the obligations with their dates, the class on the system page and the system
// card, and the imported components. It fails on any console error, such as a breach of the
// Content-Security-Policy, and keeps screenshots in AIMS_SCREENSHOT_DIR.
func TestBrowserInventory(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	goodBOM, err := filepath.Abs(cyclonedx + "mlbom-model-foundationmodels-gpt-4o.bom.json")
	if err != nil {
		t.Fatal(err)
	}
	brokenBOM, err := filepath.Abs(cyclonedx + "mlbom-model-opensource-bert-base-cased.bom.json") // not JSON: a trailing comma
	if err != nil {
		t.Fatal(err)
	}

	f := apptest.New(t)
	lumen := f.Org(t, "lumen-labs")
	f.User(t, "priya@lumen.example", lumen, aims.RoleContributor)
	// A component of the organization that no system uses yet, to find and link from the system page.
	zephyr, err := f.Components.CreateComponent(f.Ctx, lumen.ID, component.ComponentFields{Kind: "model", Name: "Zephyr 7B",
		Supplier: "Hugging Face"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Components.CreateComponent(f.Ctx, lumen.ID, component.ComponentFields{Kind: "model", Name: "Llama Guard 3",
		Supplier: "Meta"}); err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, exe, 1360, 900, 60*time.Second)
	ctx, step, textOf, shot := b.ctx, b.step, b.text, b.shot
	base := f.Srv.URL
	contains := func(where, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s does not say %q; it says:\n%s", where, w, got)
			}
		}
	}

	step("log in as a contributor",
		chromedp.Navigate(base+"/systems"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "priya@lumen.example"),
		chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/systems/new"]`)),
	)
	step("register a CV-screening system as its provider",
		chromedp.Click(chromedp.CSS(`a[href="/systems/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sys-name`)),
		chromedp.SendKeys(chromedp.CSS(`#sys-name`), "CV screener"),
		chromedp.SendKeys(chromedp.CSS(`#sys-purpose`), "Ranks job applications for recruiters."),
		chromedp.SendKeys(chromedp.CSS(`#sys-intended-use`), "Recruiters of our customers shortlist applicants; a person reads every CV it ranks."),
		chromedp.SetValue(chromedp.CSS(`#sys-eu-role`), "provider"),
		chromedp.Click(chromedp.CSS(`#sys-personal-data`)),
		chromedp.Click(chromedp.CSS(`form[action="/systems"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#history-title`)),
	)
	contains("the new system's page", textOf("main"), "CV screener is registered.", "Provider", "Not classified", "No component is recorded.")

	step("open its BOM page",
		chromedp.Click(chromedp.CSS(`#bom-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#bom-file`)),
	)
	step("upload a file that is not JSON",
		chromedp.SetUploadFiles(chromedp.CSS(`#bom-file`), []string{brokenBOM}),
		chromedp.Click(chromedp.CSS(`form[action$="/bom#import-title"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#bom-file-error`)),
	)
	contains("the refused upload", textOf(`#bom-file-error`), "not a valid CycloneDX", "nothing was imported")
	contains("the issues of the refused upload", textOf(`#bom-issues`), "not JSON", "line 9")
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#bom-file").getAttribute("aria-invalid") === "true"`)); !got {
		t.Error("the file field of the refused upload is not marked invalid")
	}
	contains("the BOM page after the refused upload", textOf(`section[aria-labelledby="versions-title"]`), "No BOM has been imported")
	shot("inventory-bom-refused")
	b.forgetConsole("status of 400") // the refused form's status is reported as a failed load

	step("upload the ML-BOM",
		chromedp.SetUploadFiles(chromedp.CSS(`#bom-file`), []string{goodBOM}),
		chromedp.Click(chromedp.CSS(`form[action$="/bom#import-title"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#latest-title`)),
	)
	contains("the BOM page after the import", textOf("main"),
		"Imported mlbom-model-foundationmodels-gpt-4o.bom.json as BOM version 1: 1 component")
	contains("the imported version", textOf(`section[aria-labelledby="versions-title"] tbody`), "mlbom-model-foundationmodels-gpt-4o.bom.json", "1.6")
	contains("the components of version 1", textOf(`section[aria-labelledby="latest-title"] tbody`), "gpt-4o", "OpenAI Inc")
	if kind := textOf(`section[aria-labelledby="latest-title"] tbody td`); kind != "model" {
		t.Errorf("the imported component is of type %q, want model", kind)
	}
	shot("inventory-bom")

	step("go back to the system",
		chromedp.Click(chromedp.CSS(`p.crumbs a`)),
		chromedp.WaitVisible(chromedp.CSS(`#components-title`)),
	)
	contains("the BOM button", textOf(`#bom-link`), "version 1, 1 component")
	contains("the system's components", textOf(`section[aria-labelledby="components-title"]`), "gpt-4o", "OpenAI Inc")

	step("open the classification",
		chromedp.Click(chromedp.CSS(`#eu-class a`)),
		chromedp.WaitVisible(chromedp.CSS(`#questions-title`)),
	)
	contains("the unclassified system", textOf(`#risk-class`), "Not classified")
	// A CV-screening system: in scope, no prohibited practice, no Annex I product, Annex III point 4(a),
	// no claim that it poses no significant risk (so none of the Art. 6(3) conditions is asked), and it
	// profiles applicants; no Art. 50 duty, not a GPAI model.
	answers := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.CSS(`#q-annex_i_section-select`), "none"),
		chromedp.Click(chromedp.CSS(`#q-annex_iii_area-4`)),
		chromedp.SetValue(chromedp.CSS(`#q-annex_iii_point_4-select`), "a"),
		chromedp.Click(chromedp.CSS(`#q-profiling-yes`)),
		chromedp.SetValue(chromedp.CSS(`#q-deployer_type-select`), "private"),
	}
	answers = append(answers, clickNo(cvScreenerNos)...)
	step("answer the questionnaire", answers...)
	step("record minimal risk without a justification",
		chromedp.SetValue(chromedp.CSS(`#cls-class`), "minimal"),
		chromedp.Click(chromedp.CSS(`form[action$="/classification"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#cls-justification-error`)),
	)
	contains("the refusal beside the justification", textOf(`#cls-justification-error`), "The answers make the system High-risk, not Minimal risk")
	contains("the refused form's result", textOf(`section[aria-labelledby="result-title"]`), "What these answers give", "High-risk", "Annex III, point 4(a)")
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
		String(document.querySelector("#q-annex_iii_area-4").checked),
		document.querySelector("#q-annex_iii_point_4-select").value,
		document.querySelector("#cls-class").value,
		String(document.querySelector("#q-profiling-yes").checked),
		String(document.querySelector("#q-gpai-no").checked),
		String(document.querySelector("#cls-justification").getAttribute("aria-invalid")),
		String(document.querySelectorAll('#questions-title ~ form input[type=radio]:checked').length)]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"true", "a", "minimal", "true", "true", "true", "20"}; strings.Join(kept, " ") != strings.Join(want, " ") {
		t.Errorf("the refused form keeps (area 4 ticked, point, class, profiling, gpai no, justification invalid, radios checked) %q, want %q", kept, want)
	}
	contains("the history after the refusal", textOf(`section[aria-labelledby="chistory-title"]`), "No classification is saved yet.")
	shot("inventory-classification-refused")
	b.forgetConsole("status of 400")

	step("record the class the answers give",
		chromedp.SetValue(chromedp.CSS(`#cls-class`), ""),
		chromedp.Click(chromedp.CSS(`form[action$="/classification"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#obligations-title`)),
	)
	contains("the saved classification", textOf("main"), "The classification is saved: High-risk.")
	contains("the class", textOf(`#risk-class`), "High-risk")
	obligations := textOf(`section[aria-labelledby="obligations-title"]`)
	contains("the obligations", obligations, "Provider", "Art. 9", "2027-12-02", "Run a risk management system")
	dates, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('section[aria-labelledby="obligations-title"] tbody time')).map(e => e.getAttribute("datetime"))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(dates) == 0 {
		t.Error("the high-risk provider has no dated obligation")
	}
	isDate := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	for _, d := range dates {
		if !isDate.MatchString(d) {
			t.Errorf("an obligation applies from %q, not a date", d)
		}
	}
	shot("inventory-classification")

	step("see the class on the system page",
		chromedp.Click(chromedp.CSS(`p.crumbs a`)),
		chromedp.WaitVisible(chromedp.CSS(`#eu-class`)),
	)
	contains("the system's class", textOf(`#eu-class`), "High")
	contains("the system's components", textOf(`section[aria-labelledby="components-title"]`), "gpt-4o")
	shot("inventory-system")

	step("find a component to link by its supplier",
		chromedp.SendKeys(chromedp.CSS(`#link-q`), "hugging face"),
		chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)),
		// The page after the search, not the one before (which has the same form).
		chromedp.WaitVisible(chromedp.CSS(`#link-q[value="hugging face"]`)),
	)
	if found := textOf(`#link-component`); !strings.Contains(found, "Zephyr 7B (Model)") || strings.Contains(found, "Llama Guard") {
		t.Errorf("searching for hugging face offers %q; want Zephyr 7B alone", found)
	}
	shot("inventory-link-search")
	step("link it as the fallback model",
		chromedp.SendKeys(chromedp.CSS(`#link-role`), "fallback model"),
		chromedp.Click(chromedp.CSS(`form[aria-label="Link an existing component"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`section[aria-labelledby="components-title"] a[href="/components/`+zephyr.ID+`"]`)),
	)
	contains("the system's components", textOf(`section[aria-labelledby="components-title"]`), "Zephyr 7B", "fallback model", "gpt-4o")

	step("open the system card",
		chromedp.Click(chromedp.CSS(`.header-actions a[href$="/card"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#class-title`)),
	)
	contains("the system card's classification", textOf(`section[aria-labelledby="class-title"]`), "High-risk (Annex III, point 4(a))")
	contains("the system card's models", textOf(`section[aria-labelledby="models-title"]`), "gpt-4o", "OpenAI Inc")
	shot("inventory-card")

	b.checkConsole()
}
