package web

import (
	"net/http"

	"github.com/aimsproject/aims"
)

// Access says who may reach a route before aims.Authorize is asked.
type Access int

const (
	// Public routes need no session: the login pages, logging out, static files, and an invitation's page
	// and account creation.
	Public Access = iota
	// SignedIn routes need a session but no role: a person's own account, switching organization, which
	// must work even when they are no longer a member of the session's organization, and accepting an
	// invitation, which is how one becomes a member.
	SignedIn
	// Member routes need the session's user to be a member of its organization with a role that
	// aims.Authorize allows the route's Action on its Resource.
	Member
)

// Route is one page or form action: its method and path pattern, who may reach it, what it does to which
// resource (for Member routes), and its handler.
type Route struct {
	Method   string
	Path     string
	Access   Access
	Action   aims.Action
	Resource aims.Resource
	handle   func(w http.ResponseWriter, r *http.Request, v *visit) error
}

// Pattern returns the route's http.ServeMux pattern.
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }

// Routes returns the whole route table of the UI. The authorization matrix test is checked against it.
func (w *Web) Routes() []Route {
	const get, post = http.MethodGet, http.MethodPost
	const read, create, update, del = aims.ActionRead, aims.ActionCreate, aims.ActionUpdate, aims.ActionDelete
	rs := []Route{
		{Method: get, Path: "/static/{file}", Access: Public, handle: w.static},
		{Method: get, Path: "/login", Access: Public, handle: w.loginPage},
		{Method: post, Path: "/login", Access: Public, handle: w.login},
		{Method: get, Path: "/login/totp", Access: Public, handle: w.loginTOTPPage},
		{Method: post, Path: "/login/totp", Access: Public, handle: w.loginTOTP},
		{Method: post, Path: "/logout", Access: Public, handle: w.logout},
		{Method: get, Path: "/invitations/{token}", Access: Public, handle: w.invitationPage},
		{Method: post, Path: "/invitations/{token}/signup", Access: Public, handle: w.signUp},

		{Method: post, Path: "/logout/everywhere", Access: SignedIn, handle: w.logoutEverywhere},
		{Method: post, Path: "/switch-org", Access: SignedIn, handle: w.switchOrg},
		{Method: post, Path: "/invitations/{token}/accept", Access: SignedIn, handle: w.acceptInvitation},
		{Method: get, Path: "/account", Access: SignedIn, handle: w.accountPage},
		{Method: post, Path: "/account/password", Access: SignedIn, handle: w.changePassword},
		{Method: get, Path: "/account/totp", Access: SignedIn, handle: w.totpSetupPage},
		{Method: post, Path: "/account/totp/enable", Access: SignedIn, handle: w.enableTOTP},
		{Method: post, Path: "/account/totp/disable", Access: SignedIn, handle: w.disableTOTP},

		{Method: get, Path: "/{$}", Access: Member, Action: read, Resource: aims.ResOrganization, handle: w.dashboard},

		{Method: get, Path: "/members", Access: Member, Action: read, Resource: aims.ResMember, handle: w.membersPage},
		{Method: post, Path: "/members/invitations", Access: Member, Action: create, Resource: aims.ResInvitation, handle: w.invite},
		{Method: post, Path: "/members/invitations/{id}/revoke", Access: Member, Action: del, Resource: aims.ResInvitation, handle: w.revokeInvitation},
		{Method: post, Path: "/members/{id}/role", Access: Member, Action: update, Resource: aims.ResMember, handle: w.changeRole},
		{Method: post, Path: "/members/{id}/remove", Access: Member, Action: del, Resource: aims.ResMember, handle: w.removeMember},

		{Method: get, Path: "/tokens", Access: Member, Action: read, Resource: aims.ResToken, handle: w.tokensPage},
		{Method: post, Path: "/tokens", Access: Member, Action: create, Resource: aims.ResToken, handle: w.createToken},
		{Method: post, Path: "/tokens/{id}/revoke", Access: Member, Action: del, Resource: aims.ResToken, handle: w.revokeToken},

		{Method: get, Path: "/activity", Access: Member, Action: read, Resource: aims.ResActivity, handle: w.activityPage},

		{Method: get, Path: "/settings", Access: Member, Action: read, Resource: aims.ResOrganization, handle: w.settingsPage},
		{Method: post, Path: "/settings", Access: Member, Action: update, Resource: aims.ResOrganization, handle: w.updateSettings},

		{Method: get, Path: "/frameworks", Access: Member, Action: read, Resource: aims.ResFramework, handle: w.frameworksPage},
		{Method: post, Path: "/frameworks", Access: Member, Action: create, Resource: aims.ResFramework, handle: w.importFramework},
		{Method: get, Path: "/frameworks/{key}", Access: Member, Action: read, Resource: aims.ResFramework, handle: w.frameworkPage},
		{Method: post, Path: "/frameworks/{key}/delete", Access: Member, Action: del, Resource: aims.ResFramework, handle: w.deleteFramework},
		{Method: get, Path: "/frameworks/{key}/export", Access: Member, Action: read, Resource: aims.ResFramework, handle: w.exportFramework},
		{Method: get, Path: "/frameworks/{key}/requirements/{ref}", Access: Member, Action: read, Resource: aims.ResFramework, handle: w.requirementPage},
		{Method: post, Path: "/frameworks/{key}/requirements/{ref}/mappings", Access: Member, Action: create, Resource: aims.ResMapping, handle: w.addMapping},
		{Method: post, Path: "/mappings/{id}/delete", Access: Member, Action: del, Resource: aims.ResMapping, handle: w.deleteMapping},
		{Method: post, Path: "/licensed-texts", Access: Member, Action: update, Resource: aims.ResFramework, handle: w.importLicensedTexts},

		{Method: get, Path: "/context/ai-roles", Access: Member, Action: read, Resource: aims.ResContext, handle: w.aiRolesPage},
		{Method: post, Path: "/context/ai-roles", Access: Member, Action: update, Resource: aims.ResContext, handle: w.saveAIRoles},
		{Method: post, Path: "/context/ai-roles/dates", Access: Member, Action: update, Resource: aims.ResContext, handle: w.switchDates},
		{Method: post, Path: "/soa/proposals", Access: Member, Action: update, Resource: aims.ResControl, handle: w.applyProposals},
		{Method: post, Path: "/soa/system-proposals", Access: Member, Action: update, Resource: aims.ResControl, handle: w.applySystemProposals},
		{Method: get, Path: "/soa", Access: Member, Action: read, Resource: aims.ResSoA, handle: w.soaPage},
		{Method: post, Path: "/soa/controls", Access: Member, Action: create, Resource: aims.ResControl, handle: w.addToSoA},
		{Method: post, Path: "/soa/controls/{framework}/{ref}/remove", Access: Member, Action: del, Resource: aims.ResControl, handle: w.removeFromSoA},
		{Method: get, Path: "/soa/versions", Access: Member, Action: read, Resource: aims.ResSoA, handle: w.soaVersionsPage},
		{Method: post, Path: "/soa/versions", Access: Member, Action: aims.ActionApprove, Resource: aims.ResSoA, handle: w.approveSoA},
		{Method: get, Path: "/soa/versions/{number}", Access: Member, Action: read, Resource: aims.ResSoA, handle: w.soaVersionPage},
		{Method: get, Path: "/soa/diff", Access: Member, Action: read, Resource: aims.ResSoA, handle: w.soaDiffPage},
		{Method: get, Path: "/soa/export", Access: Member, Action: read, Resource: aims.ResSoA, handle: w.exportSoA},
		{Method: get, Path: "/controls/{framework}/{ref}", Access: Member, Action: read, Resource: aims.ResControl, handle: w.controlPage},
		{Method: post, Path: "/controls/{framework}/{ref}", Access: Member, Action: update, Resource: aims.ResControl, handle: w.saveControl},
		{Method: post, Path: "/controls/{framework}/{ref}/links", Access: Member, Action: update, Resource: aims.ResControl, handle: w.addLink},
		{Method: post, Path: "/controls/{framework}/{ref}/links/{id}/remove", Access: Member, Action: update, Resource: aims.ResControl, handle: w.removeLink},
		{Method: get, Path: "/systems", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.systemsPage},
		{Method: get, Path: "/systems/new", Access: Member, Action: create, Resource: aims.ResSystem, handle: w.newSystemPage},
		{Method: post, Path: "/systems", Access: Member, Action: create, Resource: aims.ResSystem, handle: w.createSystem},
		{Method: get, Path: "/systems/{id}", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.systemPage},
		{Method: get, Path: "/systems/{id}/edit", Access: Member, Action: update, Resource: aims.ResSystem, handle: w.editSystemPage},
		{Method: post, Path: "/systems/{id}", Access: Member, Action: update, Resource: aims.ResSystem, handle: w.updateSystem},
		{Method: get, Path: "/systems/export", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.exportSystems},
		{Method: post, Path: "/systems/import", Access: Member, Action: create, Resource: aims.ResSystem, handle: w.importSystems},
		{Method: get, Path: "/systems/{id}/components", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.systemComponentsPage},
		{Method: post, Path: "/systems/{id}/components", Access: Member, Action: update, Resource: aims.ResSystem, handle: w.linkComponent},
		{Method: post, Path: "/systems/{id}/components/{componentID}/remove", Access: Member, Action: update, Resource: aims.ResSystem, handle: w.unlinkComponent},
		{Method: get, Path: "/components", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.componentsPage},
		{Method: get, Path: "/components/new", Access: Member, Action: create, Resource: aims.ResSystem, handle: w.newComponentPage},
		{Method: post, Path: "/components", Access: Member, Action: create, Resource: aims.ResSystem, handle: w.createComponent},
		{Method: get, Path: "/components/{id}", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.componentPage},
		{Method: get, Path: "/components/{id}/edit", Access: Member, Action: update, Resource: aims.ResSystem, handle: w.editComponentPage},
		{Method: post, Path: "/components/{id}", Access: Member, Action: update, Resource: aims.ResSystem, handle: w.updateComponent},
		{Method: post, Path: "/components/{id}/delete", Access: Member, Action: del, Resource: aims.ResSystem, handle: w.deleteComponent},
		{Method: get, Path: "/systems/{id}/classification", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.classificationPage},
		{Method: post, Path: "/systems/{id}/classification", Access: Member, Action: update, Resource: aims.ResSystem, handle: w.saveClassification},
		{Method: get, Path: "/systems/{id}/card", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.systemCardPage},
		{Method: get, Path: "/systems/{id}/card/download", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.downloadSystemCard},
		{Method: post, Path: "/systems/{id}/model-cards", Access: Member, Action: create, Resource: aims.ResSystem, handle: w.importModelCard},
		{Method: get, Path: "/systems/{id}/bom", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.systemBOMPage},
		{Method: post, Path: "/systems/{id}/bom", Access: Member, Action: create, Resource: aims.ResSystem, handle: w.importBOM},
		{Method: get, Path: "/systems/{id}/bom/download", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.downloadBOM},
		{Method: get, Path: "/model-cards/{id}", Access: Member, Action: read, Resource: aims.ResSystem, handle: w.modelCardPage},
		{Method: get, Path: "/webhooks", Access: Member, Action: read, Resource: aims.ResWebhook, handle: w.webhooksPage},
		{Method: post, Path: "/webhooks", Access: Member, Action: create, Resource: aims.ResWebhook, handle: w.addWebhook},
		{Method: post, Path: "/webhooks/{id}/test", Access: Member, Action: update, Resource: aims.ResWebhook, handle: w.testWebhookAction},
		{Method: post, Path: "/webhooks/{id}/delete", Access: Member, Action: del, Resource: aims.ResWebhook, handle: w.deleteWebhookAction},
		{Method: get, Path: "/my-work", Access: Member, Action: read, Resource: aims.ResTask, handle: w.myWorkPage},
		{Method: get, Path: "/risks", Access: Member, Action: read, Resource: aims.ResRisk, handle: w.risksPage},
		{Method: get, Path: "/risks/new", Access: Member, Action: create, Resource: aims.ResRisk, handle: w.newRiskPage},
		{Method: post, Path: "/risks", Access: Member, Action: create, Resource: aims.ResRisk, handle: w.createRisk},
		{Method: get, Path: "/risks/export", Access: Member, Action: read, Resource: aims.ResRisk, handle: w.exportRisks},
		{Method: post, Path: "/risks/import", Access: Member, Action: create, Resource: aims.ResRisk, handle: w.importRisks},
		{Method: get, Path: "/risks/treatment-plan/export", Access: Member, Action: read, Resource: aims.ResRisk, handle: w.riskReport("treatment-plan")},
		{Method: get, Path: "/risks/criteria", Access: Member, Action: read, Resource: aims.ResRiskCriteria, handle: w.riskCriteriaPage},
		{Method: post, Path: "/risks/criteria", Access: Member, Action: update, Resource: aims.ResRiskCriteria, handle: w.saveRiskCriteria},
		{Method: get, Path: "/risks/{id}", Access: Member, Action: read, Resource: aims.ResRisk, handle: w.riskPage},
		{Method: get, Path: "/risks/{id}/edit", Access: Member, Action: update, Resource: aims.ResRisk, handle: w.editRiskPage},
		{Method: post, Path: "/risks/{id}", Access: Member, Action: update, Resource: aims.ResRisk, handle: w.updateRisk},
		{Method: post, Path: "/risks/{id}/delete", Access: Member, Action: del, Resource: aims.ResRisk, handle: w.deleteRisk},
		{Method: post, Path: "/risks/{id}/accept", Access: Member, Action: update, Resource: aims.ResRisk, handle: w.acceptRisk},
		{Method: get, Path: "/evidence", Access: Member, Action: read, Resource: aims.ResEvidence, handle: w.evidenceListPage},
		{Method: post, Path: "/evidence", Access: Member, Action: create, Resource: aims.ResEvidence, handle: w.addEvidence},
		{Method: get, Path: "/evidence/{id}", Access: Member, Action: read, Resource: aims.ResEvidence, handle: w.evidencePage},
		{Method: get, Path: "/evidence/{id}/download", Access: Member, Action: read, Resource: aims.ResEvidence, handle: w.evidenceContent},
		{Method: post, Path: "/evidence/{id}/edit", Access: Member, Action: update, Resource: aims.ResEvidence, handle: w.editEvidence},
		{Method: post, Path: "/evidence/{id}/approve", Access: Member, Action: aims.ActionApprove, Resource: aims.ResEvidence, handle: w.approveEvidence},
		{Method: post, Path: "/evidence/{id}/delete", Access: Member, Action: del, Resource: aims.ResEvidence, handle: w.deleteEvidence},
		{Method: get, Path: "/impact-assessments", Access: Member, Action: read, Resource: aims.ResImpact, handle: w.impactsPage},
		{Method: get, Path: "/impact-assessments/{id}", Access: Member, Action: read, Resource: aims.ResImpact, handle: w.impactRecord},
		{Method: get, Path: "/systems/{id}/gate", Access: Member, Action: read, Resource: aims.ResGate, handle: w.gatePage},
		{Method: get, Path: readinessSystemsPath, Access: Member, Action: read, Resource: aims.ResGate, handle: w.readinessSystems},
		{Method: get, Path: readinessMappedPath, Access: Member, Action: read, Resource: aims.ResControl, handle: w.readinessMapped},
		{Method: get, Path: "/audit-pack/export", Access: Member, Action: read, Resource: aims.ResSoA, handle: w.auditPack},
		{Method: get, Path: "/gate-policy", Access: Member, Action: read, Resource: aims.ResGate, handle: w.gatePolicyPage},
		{Method: post, Path: "/gate-policy", Access: Member, Action: update, Resource: aims.ResGate, handle: w.saveGatePolicy},
		{Method: get, Path: "/systems/{id}/impact", Access: Member, Action: read, Resource: aims.ResImpact, handle: w.impactPage},
		{Method: get, Path: "/systems/{id}/impact/edit", Access: Member, Action: update, Resource: aims.ResImpact, handle: w.editImpactPage},
		{Method: post, Path: "/systems/{id}/impact", Access: Member, Action: update, Resource: aims.ResImpact, handle: w.saveImpact},
		{Method: post, Path: "/systems/{id}/impact/approve", Access: Member, Action: aims.ActionApprove, Resource: aims.ResImpact, handle: w.approveImpact},
		{Method: get, Path: "/systems/{id}/impact/export", Access: Member, Action: read, Resource: aims.ResImpact, handle: w.exportImpact},
		{Method: get, Path: "/systems/{id}/evaluations", Access: Member, Action: read, Resource: aims.ResEvaluation, handle: w.evaluationsPage},
		{Method: post, Path: "/systems/{id}/evaluations", Access: Member, Action: create, Resource: aims.ResEvaluation, handle: w.importEvaluation},
		{Method: post, Path: "/systems/{id}/evaluations/criteria", Access: Member, Action: update, Resource: aims.ResEvaluation, handle: w.saveEvaluationCriteria},
		{Method: get, Path: "/evaluations/{id}", Access: Member, Action: read, Resource: aims.ResEvaluation, handle: w.evaluationPage},
		{Method: get, Path: "/evaluations/{id}/compare", Access: Member, Action: read, Resource: aims.ResEvaluation, handle: w.evaluationCompare},
		{Method: post, Path: "/my-work/notifications", Access: Member, Action: read, Resource: aims.ResOrganization, handle: w.setEmailMode},
		{Method: post, Path: "/tasks", Access: Member, Action: create, Resource: aims.ResTask, handle: w.addTask},
		{Method: post, Path: "/tasks/{id}/status", Access: Member, Action: update, Resource: aims.ResTask, handle: w.setTaskStatus},
		{Method: post, Path: "/comments", Access: Member, Action: create, Resource: aims.ResComment, handle: w.addComment},
		{Method: post, Path: "/comments/{id}/edit", Access: Member, Action: update, Resource: aims.ResComment, handle: w.editComment},
		{Method: post, Path: "/comments/{id}/resolve", Access: Member, Action: update, Resource: aims.ResComment, handle: w.resolveComment},
		{Method: post, Path: "/links", Access: Member, Action: create, Resource: aims.ResLink, handle: w.createRecordLink},
		{Method: post, Path: "/links/{id}/remove", Access: Member, Action: del, Resource: aims.ResLink, handle: w.removeRecordLink},
		{Method: get, Path: "/clauses", Access: Member, Action: read, Resource: aims.ResControl, handle: w.clausesPage},
		{Method: get, Path: "/coverage", Access: Member, Action: read, Resource: aims.ResControl, handle: w.coveragePage},
	}
	for _, a := range areas {
		rs = append(rs, Route{Method: get, Path: a.Path, Access: Member, Action: read, Resource: aims.ResRecord, handle: w.areaPage(a)})
	}
	return rs
}
