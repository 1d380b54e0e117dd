package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/framework"
)

// TestBrowserCatalogTour opens the catalog's pages in a real, headless Chromium (the framework list, a
// framework's tree, a search, requirement pages with guidance, licensed text and mappings, the import
// form with a refused file) and keeps screenshots of them in AIMS_SCREENSHOT_DIR. It fails on any error in
// the browser's console. It runs only when AIMS_SCREENSHOT_DIR is set, since TestBrowserJourney already
// proves the browser setup in every run.
func TestBrowserCatalogTour(t *testing.T) {
	dir := os.Getenv("AIMS_SCREENSHOT_DIR")
	if dir == "" || os.Getenv("AIMS_BROWSER") == "off" {
		t.Skip("set AIMS_SCREENSHOT_DIR to take the catalog's screenshots")
	}
	exe := requireChromium(t)
	f := apptest.New(t)
	org := f.Org(t, "acme")
	f.User(t, "mia@example.com", org, aims.RoleManager)
	if _, err := f.Frameworks.ImportLicensedTexts(f.Ctx, framework.LicensedImport{OrgID: org.ID, Filename: "iso42001.csv",
		Data: []byte("framework,ref,text,source\n" + framework.ISO42001 + ",A.6.2.4,\"(Here your organization's licensed copy of the standard's words for A.6.2.4 would appear.)\",ISO/IEC 42001:2023 licence 1234\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Frameworks.CreateMapping(f.Ctx, org.ID, framework.MappingRequest{FromFramework: framework.ISO42001, FromRef: "A.6.2.4",
		ToFramework: framework.ISO27001, ToRef: "A.8.29", Relationship: framework.RelIntersects, Source: "Our gap analysis",
		Rationale: "Both ask for testing before release."}); err != nil {
		t.Fatal(err)
	}
	catalog, err := os.ReadFile(filepath.Join("..", "..", "testdata", "oscal", "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Frameworks.Import(f.Ctx, framework.ImportRequest{OrgID: org.ID, Key: "sp800-53-low", Data: catalog}); err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, exe, 1280, 900, 90*time.Second)
	ctx, step, shot := b.ctx, b.step, b.shot
	base := f.Srv.URL
	step("log in", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "mia@example.com"), chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`nav.sidebar`)))

	step("open the frameworks", chromedp.Click(chromedp.CSS(`nav.sidebar a[href="/frameworks"]`)), chromedp.WaitVisible(chromedp.CSS(`#import-file`)))
	shot("catalog-frameworks")
	step("open ISO/IEC 42001", chromedp.Click(chromedp.CSS(`a[href="/frameworks/`+framework.ISO42001+`"]`)), chromedp.WaitVisible(chromedp.CSS(`ul.tree`)))
	shot("catalog-tree-iso42001")
	step("search it", chromedp.SendKeys(chromedp.CSS(`#tree-q`), "verification"), chromedp.Click(chromedp.CSS(`.search-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`.tree-note`)))
	shot("catalog-tree-search")
	step("open A.6.2.4", chromedp.Click(chromedp.CSS(`a[href$="/requirements/A.6.2.4"]`)), chromedp.WaitVisible(chromedp.CSS(`#guidance-title`)))
	if got, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#licensed-title`))); !strings.Contains(got, "licensed to your organization") {
		t.Errorf("the licensed text is titled %q", got)
	}
	shot("catalog-requirement-iso42001")
	step("open GOVERN 1.1", chromedp.Navigate(base+"/frameworks/"+framework.NISTAIRMF+"/requirements/GOVERN%201.1"), chromedp.WaitVisible(chromedp.CSS(`#maps-title`)))
	shot("catalog-requirement-rmf")
	step("open the SP 800-53 tree", chromedp.Navigate(base+"/frameworks/sp800-53-low"), chromedp.WaitVisible(chromedp.CSS(`ul.tree`)))
	shot("catalog-tree-sp800-53")
	step("open AC-2", chromedp.Navigate(base+"/frameworks/sp800-53-low/requirements/AC-2"), chromedp.WaitVisible(chromedp.CSS(`#text-title`)))
	shot("catalog-requirement-ac-2")
	step("add a mapping with a mistake", chromedp.Navigate(base+"/frameworks/"+framework.NISTAIRMF+"/requirements/GOVERN%201.1"),
		chromedp.WaitVisible(chromedp.CSS(`#map-ref`)), chromedp.SendKeys(chromedp.CSS(`#map-ref`), "A.99"),
		chromedp.Click(chromedp.CSS(`form[action*="/mappings#"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#map-ref-error`)))
	shot("catalog-mapping-error")

	b.forgetConsole("400") // the refused form's status is reported as a failed load
	b.checkConsole()
}
