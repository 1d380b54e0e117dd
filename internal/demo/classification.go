package demo

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// noToAll answers no to every question asked of a system in scope, before the given answers override.
func noToAll(answers map[string]string) map[string]string {
	a := map[string]string{"scope_military": "no", "scope_research": "no", "scope_open_source": "no", "scope_personal": "no",
		"prohibited_intimate": "no", "annex_i_section": "none", "annex_iii_area": "none", "transparency_interacts": "no",
		"transparency_synthetic": "no", "transparency_emotion": "no", "transparency_deepfake": "no", "gpai": "no"}
	for _, l := range "abcdefgh" {
		a["prohibited_"+string(l)] = "no"
	}
	for k, v := range answers {
		a[k] = v
	}
	return a
}

// lumenClassifications are the EU AI Act answers for Lumen Labs' systems, as SCENARIOS.md tells them:
// TalentMatch screens CVs (Annex III, 4(a)) and ranks people from their applications, which is profiling,
// so it is high-risk whatever Art. 6(3) says, and Lumen deploys it as a private company (Art. 26, not
// Art. 27); Lumen Assist talks with customers and writes its answers (Art. 50(1) and (2));
// Lumen Code only suggests code to Lumen's engineers: minimal risk. Lumen Credit scores the
// creditworthiness of natural persons (Annex III, 5(b)), which binds every deployer to Art. 27's
// fundamental rights impact assessment, public or private.
var lumenClassifications = map[string]map[string]string{
	"TalentMatch": noToAll(map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_risk": "no",
		"profiling": "yes", "deployer_type": "private"}),
	"Lumen Assist": noToAll(map[string]string{"transparency_interacts": "yes", "transparency_synthetic": "yes"}),
	"Lumen Code":   noToAll(nil),
	"Lumen Credit": noToAll(map[string]string{"annex_iii_area": "5", "annex_iii_point_5": "b", "derogation_risk": "no",
		"profiling": "yes", "deployer_type": "private"}),
}

// classifyLumen classifies those of Lumen Labs' systems that are not classified yet; ctx acts as the AIMS
// manager.
func classifyLumen(ctx context.Context, systems *system.Service, orgID string) error {
	ss, _, err := systems.List(ctx, orgID, system.Filter{RiskClass: system.Unclassified}, aims.Page{Limit: 200})
	if err != nil {
		return err
	}
	for _, s := range ss {
		answers, ok := lumenClassifications[s.Name]
		if !ok {
			continue
		}
		if _, err := systems.Classify(ctx, orgID, s.ID, system.ClassificationInput{Answers: answers}, 0); err != nil {
			return fmt.Errorf("cannot classify demo system %s: %w", s.Name, err)
		}
	}
	return nil
}
