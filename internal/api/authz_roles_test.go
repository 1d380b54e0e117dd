package api_test

// allowedRoles is the API's authorization matrix as the product specification states it: which roles may
// call each route. It is written out here, not derived from aims.Authorize or its policy, so that a change
// to the policy that the specification does not make fails this test.
//
// Everyone reads the organization, themselves and the members; only admins and owners change the
// organization and its members, and invite people (the invitations name people not yet members, so only
// they read them); accepting an invitation needs no role, only a logged-in person ("person": tested in
// invitations_test.go); auditors and above read tokens and the activity trail; contributors and
// above create and revoke tokens (non-admins only their own, tested in tokens_test.go).
var allowedRoles = map[string]string{
	"GET /api/v1/me":                  "owner admin manager contributor auditor viewer",
	"GET /api/v1/me/notifications":    "owner admin manager contributor auditor viewer",
	"PUT /api/v1/me/notifications":    "owner admin manager contributor auditor viewer",
	"GET /api/v1/organization":        "owner admin manager contributor auditor viewer",
	"PATCH /api/v1/organization":      "owner admin",
	"GET /api/v1/members":             "owner admin manager contributor auditor viewer",
	"GET /api/v1/members/{id}":        "owner admin manager contributor auditor viewer",
	"PATCH /api/v1/members/{id}":      "owner admin",
	"DELETE /api/v1/members/{id}":     "owner admin",
	"GET /api/v1/invitations":         "owner admin",
	"POST /api/v1/invitations":        "owner admin",
	"GET /api/v1/invitations/{id}":    "owner admin",
	"DELETE /api/v1/invitations/{id}": "owner admin",
	"POST /api/v1/invitations/accept": "person",
	"GET /api/v1/tokens":              "owner admin manager contributor auditor",
	"POST /api/v1/tokens":             "owner admin manager contributor",
	"GET /api/v1/tokens/{id}":         "owner admin manager contributor auditor",
	"DELETE /api/v1/tokens/{id}":      "owner admin manager contributor",
	"GET /api/v1/activity":            "owner admin manager contributor auditor",
	"GET /api/v1/activity/export":     "owner admin manager contributor auditor",
	"GET /api/v1/activity/verify":     "owner admin manager contributor auditor",
	"GET /api/v1/activity/checkpoint": "owner admin manager contributor auditor",
	"GET /api/v1/openapi.json":        "public",

	// Everyone reads the AI roles, the controls, the SoA with its versions, differences and exports, and
	// the coverage; managers and above declare the AI roles, add controls to the SoA or take them out, and
	// approve it; contributors and above change controls, their links, and apply the proposals.
	"GET /api/v1/context/ai-roles":                         "owner admin manager contributor auditor viewer",
	"PUT /api/v1/context/ai-roles":                         "owner admin manager",
	"GET /api/v1/context/eu-obligations":                   "owner admin manager contributor auditor viewer",
	"GET /api/v1/controls/{framework}/{ref}":               "owner admin manager contributor auditor viewer",
	"PUT /api/v1/controls/{framework}/{ref}":               "owner admin manager contributor",
	"POST /api/v1/controls/{framework}/{ref}/links":        "owner admin manager contributor",
	"DELETE /api/v1/controls/{framework}/{ref}/links/{id}": "owner admin manager contributor",
	"GET /api/v1/coverage":                                 "owner admin manager contributor auditor viewer",
	"GET /api/v1/soa":                                      "owner admin manager contributor auditor viewer",
	"POST /api/v1/soa/proposals":                           "owner admin manager contributor",
	"GET /api/v1/soa/system-proposals":                     "owner admin manager contributor auditor viewer",
	"POST /api/v1/soa/system-proposals":                    "owner admin manager contributor",
	"POST /api/v1/soa/controls":                            "owner admin manager",
	"DELETE /api/v1/soa/controls/{framework}/{ref}":        "owner admin manager",
	"GET /api/v1/soa/versions":                             "owner admin manager contributor auditor viewer",
	"POST /api/v1/soa/versions":                            "owner admin manager",
	"GET /api/v1/soa/versions/{number}":                    "owner admin manager contributor auditor viewer",
	"GET /api/v1/soa/diff":                                 "owner admin manager contributor auditor viewer",
	"GET /api/v1/soa/export":                               "owner admin manager contributor auditor viewer",

	// Everyone reads and exports frameworks and searches requirements; managers and above import and
	// delete frameworks, import licensed texts and keep their own mappings.
	"GET /api/v1/frameworks":                          "owner admin manager contributor auditor viewer",
	"POST /api/v1/frameworks":                         "owner admin manager",
	"GET /api/v1/frameworks/{key}":                    "owner admin manager contributor auditor viewer",
	"DELETE /api/v1/frameworks/{key}":                 "owner admin manager",
	"GET /api/v1/frameworks/{key}/export":             "owner admin manager contributor auditor viewer",
	"GET /api/v1/frameworks/{key}/requirements":       "owner admin manager contributor auditor viewer",
	"GET /api/v1/frameworks/{key}/requirements/{ref}": "owner admin manager contributor auditor viewer",
	"GET /api/v1/search":                              "owner admin manager contributor auditor viewer",
	"POST /api/v1/licensed-texts":                     "owner admin manager",
	"POST /api/v1/mappings":                           "owner admin manager",
	"DELETE /api/v1/mappings/{id}":                    "owner admin manager",

	// Everyone reads the AI system inventory and each system's history; contributors and above register
	// and change systems; managers and above delete them.
	"GET /api/v1/systems":              "owner admin manager contributor auditor viewer",
	"POST /api/v1/systems":             "owner admin manager contributor",
	"GET /api/v1/systems/{id}":         "owner admin manager contributor auditor viewer",
	"PATCH /api/v1/systems/{id}":       "owner admin manager contributor",
	"DELETE /api/v1/systems/{id}":      "owner admin manager",
	"GET /api/v1/systems/{id}/history": "owner admin manager contributor auditor viewer",
	// Everyone exports the inventory; contributors and above import systems.
	"POST /api/v1/systems/import":         "owner admin manager contributor",
	"GET /api/v1/systems/export":          "owner admin manager contributor auditor viewer",
	"GET /api/v1/components/{id}/systems": "owner admin manager contributor auditor viewer",

	// Everyone reads the components and which system uses which; contributors and above register and
	// change components and link them to systems or unlink them; managers and above delete them.
	"GET /api/v1/components":                               "owner admin manager contributor auditor viewer",
	"POST /api/v1/components":                              "owner admin manager contributor",
	"GET /api/v1/components/{id}":                          "owner admin manager contributor auditor viewer",
	"PATCH /api/v1/components/{id}":                        "owner admin manager contributor",
	"DELETE /api/v1/components/{id}":                       "owner admin manager",
	"GET /api/v1/systems/{id}/components":                  "owner admin manager contributor auditor viewer",
	"PUT /api/v1/systems/{id}/components/{componentID}":    "owner admin manager contributor",
	"DELETE /api/v1/systems/{id}/components/{componentID}": "owner admin manager contributor",

	// Everyone reads the EU AI Act questionnaire, each system's classification, its history and the
	// obligations that follow; contributors and above classify systems.
	"GET /api/v1/eu-ai-act/questionnaire":             "owner admin manager contributor auditor viewer",
	"GET /api/v1/systems/{id}/classification":         "owner admin manager contributor auditor viewer",
	"PUT /api/v1/systems/{id}/classification":         "owner admin manager contributor",
	"GET /api/v1/systems/{id}/classification/history": "owner admin manager contributor auditor viewer",
	"GET /api/v1/systems/{id}/obligations":            "owner admin manager contributor auditor viewer",

	// Everyone reads model cards and makes system cards; contributors and above import model cards.
	"POST /api/v1/systems/{id}/model-cards":   "owner admin manager contributor",
	"GET /api/v1/components/{id}/model-cards": "owner admin manager contributor auditor viewer",
	"GET /api/v1/model-cards/{id}":            "owner admin manager contributor auditor viewer",
	"GET /api/v1/systems/{id}/card":           "owner admin manager contributor auditor viewer",

	// Everyone reads, compares and exports BOMs; contributors and above import them.
	"POST /api/v1/systems/{id}/boms":      "owner admin manager contributor",
	"GET /api/v1/systems/{id}/boms":       "owner admin manager contributor auditor viewer",
	"GET /api/v1/systems/{id}/boms/{seq}": "owner admin manager contributor auditor viewer",
	"GET /api/v1/systems/{id}/boms/diff":  "owner admin manager contributor auditor viewer",
	"GET /api/v1/systems/{id}/bom":        "owner admin manager contributor auditor viewer",

	// Everyone reads links and the relationships they may have; contributors and above link records and
	// remove links (auditors comment instead).
	"GET /api/v1/links":         "owner admin manager contributor auditor viewer",
	"POST /api/v1/links":        "owner admin manager contributor",
	"GET /api/v1/links/{id}":    "owner admin manager contributor auditor viewer",
	"DELETE /api/v1/links/{id}": "owner admin manager contributor",
	"GET /api/v1/relationships": "owner admin manager contributor auditor viewer",

	// Everyone reads comments; auditors and above comment, reply, and change or resolve what the comment
	// service lets them (their own text for fifteen minutes; their own threads, or any thread on a record
	// their role may change: tested in comments_test.go).
	"GET /api/v1/comments":        "owner admin manager contributor auditor viewer",
	"POST /api/v1/comments":       "owner admin manager contributor auditor",
	"GET /api/v1/comments/{id}":   "owner admin manager contributor auditor viewer",
	"PATCH /api/v1/comments/{id}": "owner admin manager contributor auditor",

	// Everyone reads tasks; contributors and above give people tasks and change them (an auditor may
	// comment but not assign work).
	"GET /api/v1/risk-criteria":                    "owner admin manager contributor auditor viewer",
	"GET /api/v1/risk-criteria/versions":           "owner admin manager contributor auditor viewer",
	"POST /api/v1/risk-criteria/versions":          "owner admin manager",
	"GET /api/v1/risk-criteria/versions/{version}": "owner admin manager contributor auditor viewer",
	"GET /api/v1/risks":                            "owner admin manager contributor auditor viewer",
	"POST /api/v1/risks":                           "owner admin manager contributor",
	"GET /api/v1/risks/heatmap":                    "owner admin manager contributor auditor viewer",
	"GET /api/v1/risks/export":                     "owner admin manager contributor auditor viewer",
	"POST /api/v1/risks/import":                    "owner admin manager contributor",
	"GET /api/v1/risks/treatment-plan":             "owner admin manager contributor auditor viewer",
	"GET /api/v1/risks/{id}":                       "owner admin manager contributor auditor viewer",
	"PATCH /api/v1/risks/{id}":                     "owner admin manager contributor",
	"DELETE /api/v1/risks/{id}":                    "owner admin manager",
	"POST /api/v1/risks/{id}/acceptance":           "owner admin manager contributor",
	"GET /api/v1/risks/{id}/acceptances":           "owner admin manager contributor auditor viewer",
	"GET /api/v1/tasks":                            "owner admin manager contributor auditor viewer",
	"POST /api/v1/tasks":                           "owner admin manager contributor",
	"GET /api/v1/tasks/{id}":                       "owner admin manager contributor auditor viewer",
	"PATCH /api/v1/tasks/{id}":                     "owner admin manager contributor",

	// Every member reads the impact assessments; contributors and above start and change them; managers
	// and above approve them.
	"GET /api/v1/impact-assessments":                                 "owner admin manager contributor auditor viewer",
	"GET /api/v1/systems/{id}/impact-assessments":                    "owner admin manager contributor auditor viewer",
	"POST /api/v1/systems/{id}/impact-assessments":                   "owner admin manager contributor",
	"GET /api/v1/systems/{id}/impact-assessments/{version}":          "owner admin manager contributor auditor viewer",
	"PATCH /api/v1/systems/{id}/impact-assessments/{version}":        "owner admin manager contributor",
	"POST /api/v1/systems/{id}/impact-assessments/{version}/approve": "owner admin manager",
	"GET /api/v1/systems/{id}/impact-assessments/{version}/export":   "owner admin manager contributor auditor viewer",
	// Every member checks a system against the release gate (CI tokens are often contributors); managers
	// set its policy.
	"GET /api/v1/readiness":             "owner admin manager contributor auditor viewer",
	"GET /api/v1/readiness/systems":     "owner admin manager contributor auditor viewer",
	"GET /api/v1/readiness/mapped":      "owner admin manager contributor auditor viewer",
	"GET /api/v1/audit-pack":            "owner admin manager contributor auditor viewer",
	"GET /api/v1/systems/{id}/gate":     "owner admin manager contributor auditor viewer",
	"GET /api/v1/gate":                  "owner admin manager contributor auditor viewer",
	"GET /api/v1/gate-policy":           "owner admin manager contributor auditor viewer",
	"POST /api/v1/gate-policy/versions": "owner admin manager",
	// Every member reads evidence and downloads its files; contributors and above add and change it
	// (CI tokens push it); managers approve and delete it.
	"GET /api/v1/evidence":                "owner admin manager contributor auditor viewer",
	"POST /api/v1/evidence":               "owner admin manager contributor",
	"GET /api/v1/evidence/{id}":           "owner admin manager contributor auditor viewer",
	"PUT /api/v1/evidence/{id}":           "owner admin manager contributor",
	"DELETE /api/v1/evidence/{id}":        "owner admin manager",
	"GET /api/v1/evidence/{id}/content":   "owner admin manager contributor auditor viewer",
	"PUT /api/v1/evidence/{id}/content":   "owner admin manager contributor",
	"GET /api/v1/evidence/{id}/revisions": "owner admin manager contributor auditor viewer",
	"POST /api/v1/evidence/{id}/approve":  "owner admin manager",
	// Every member reads evaluation runs; contributors (the ML engineers who run the tools) import them;
	// a system's acceptance criteria are a manager's decision.
	"GET /api/v1/evaluations":                      "owner admin manager contributor auditor viewer",
	"GET /api/v1/evaluations/{id}":                 "owner admin manager contributor auditor viewer",
	"GET /api/v1/evaluations/{id}/compare":         "owner admin manager contributor auditor viewer",
	"GET /api/v1/systems/{id}/evaluations":         "owner admin manager contributor auditor viewer",
	"POST /api/v1/systems/{id}/evaluations":        "owner admin manager contributor",
	"GET /api/v1/systems/{id}/evaluation-criteria": "owner admin manager contributor auditor viewer",
	"PUT /api/v1/systems/{id}/evaluation-criteria": "owner admin manager",

	// Auditors and above read the webhooks (never their secrets) and their deliveries; admins and owners
	// add, test and delete them.
	"GET /api/v1/webhooks":                 "owner admin manager contributor auditor",
	"POST /api/v1/webhooks":                "owner admin",
	"GET /api/v1/webhooks/{id}":            "owner admin manager contributor auditor",
	"DELETE /api/v1/webhooks/{id}":         "owner admin",
	"POST /api/v1/webhooks/{id}/test":      "owner admin",
	"GET /api/v1/webhooks/{id}/deliveries": "owner admin manager contributor auditor",
}
