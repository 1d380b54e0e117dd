package api

import (
	"net/http"

	"github.com/aimsproject/aims"
)

// Routes returns the whole route table of the API. The OpenAPI document and the authorization matrix
// test are checked against it.
func (a *API) Routes() []Route {
	const read, create, update, del = aims.ActionRead, aims.ActionCreate, aims.ActionUpdate, aims.ActionDelete
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/openapi.json", Public: true, Handle: a.openAPI},
		{Method: http.MethodGet, Path: "/api/v1/me", Action: read, Resource: aims.ResOrganization, Handle: a.me},
		// Everyone who reads the organization sets how they themselves are told of it.
		{Method: http.MethodGet, Path: "/api/v1/me/notifications", Action: read, Resource: aims.ResOrganization, Handle: a.getNotificationPrefs},
		{Method: http.MethodPut, Path: "/api/v1/me/notifications", Action: read, Resource: aims.ResOrganization, Handle: a.putNotificationPrefs},

		{Method: http.MethodGet, Path: "/api/v1/organization", Action: read, Resource: aims.ResOrganization, Handle: a.getOrganization},
		{Method: http.MethodPatch, Path: "/api/v1/organization", Action: update, Resource: aims.ResOrganization, Handle: a.updateOrganization},

		{Method: http.MethodGet, Path: "/api/v1/members", Action: read, Resource: aims.ResMember, Handle: a.listMembers},
		{Method: http.MethodGet, Path: "/api/v1/members/{id}", Action: read, Resource: aims.ResMember, Handle: a.getMember},
		{Method: http.MethodPatch, Path: "/api/v1/members/{id}", Action: update, Resource: aims.ResMember, Handle: a.updateMember},
		{Method: http.MethodDelete, Path: "/api/v1/members/{id}", Action: del, Resource: aims.ResMember, Handle: a.removeMember},

		{Method: http.MethodGet, Path: "/api/v1/invitations", Action: read, Resource: aims.ResInvitation, Handle: a.listInvitations},
		{Method: http.MethodPost, Path: "/api/v1/invitations", Action: create, Resource: aims.ResInvitation, Handle: a.createInvitation},
		{Method: http.MethodGet, Path: "/api/v1/invitations/{id}", Action: read, Resource: aims.ResInvitation, Handle: a.getInvitation},
		{Method: http.MethodDelete, Path: "/api/v1/invitations/{id}", Action: del, Resource: aims.ResInvitation, Handle: a.revokeInvitation},
		{Method: http.MethodPost, Path: "/api/v1/invitations/accept", Person: true, Handle: a.acceptInvitation},

		{Method: http.MethodGet, Path: "/api/v1/tokens", Action: read, Resource: aims.ResToken, Handle: a.listTokens},
		{Method: http.MethodPost, Path: "/api/v1/tokens", Action: create, Resource: aims.ResToken, Handle: a.createToken},
		{Method: http.MethodGet, Path: "/api/v1/tokens/{id}", Action: read, Resource: aims.ResToken, Handle: a.getToken},
		{Method: http.MethodDelete, Path: "/api/v1/tokens/{id}", Action: del, Resource: aims.ResToken, Handle: a.revokeToken},

		{Method: http.MethodGet, Path: "/api/v1/activity", Action: read, Resource: aims.ResActivity, Handle: a.listActivity},
		{Method: http.MethodGet, Path: "/api/v1/activity/export", Action: read, Resource: aims.ResActivity, Handle: a.exportActivity},
		{Method: http.MethodGet, Path: "/api/v1/activity/verify", Action: read, Resource: aims.ResActivity, Handle: a.verifyActivity},
		{Method: http.MethodGet, Path: "/api/v1/activity/checkpoint", Action: read, Resource: aims.ResActivity, Handle: a.activityCheckpoint},

		{Method: http.MethodGet, Path: "/api/v1/context/ai-roles", Action: read, Resource: aims.ResContext, Handle: a.getAIRoles},
		{Method: http.MethodPut, Path: "/api/v1/context/ai-roles", Action: update, Resource: aims.ResContext, Handle: a.putAIRoles},
		{Method: http.MethodGet, Path: "/api/v1/context/eu-obligations", Action: read, Resource: aims.ResContext, Handle: a.euObligations},
		{Method: http.MethodGet, Path: "/api/v1/controls/{framework}/{ref}", Action: read, Resource: aims.ResControl, Handle: a.getControl},
		{Method: http.MethodPut, Path: "/api/v1/controls/{framework}/{ref}", Action: update, Resource: aims.ResControl, Handle: a.putControl},
		{Method: http.MethodPost, Path: "/api/v1/controls/{framework}/{ref}/links", Action: update, Resource: aims.ResControl, Handle: a.addLink},
		{Method: http.MethodDelete, Path: "/api/v1/controls/{framework}/{ref}/links/{id}", Action: update, Resource: aims.ResControl, Handle: a.removeLink},
		{Method: http.MethodGet, Path: "/api/v1/coverage", Action: read, Resource: aims.ResControl, Handle: a.coverage},
		{Method: http.MethodGet, Path: "/api/v1/soa", Action: read, Resource: aims.ResSoA, Handle: a.getSoA},
		{Method: http.MethodPost, Path: "/api/v1/soa/proposals", Action: update, Resource: aims.ResControl, Handle: a.applyProposals},
		{Method: http.MethodPost, Path: "/api/v1/soa/controls", Action: create, Resource: aims.ResControl, Handle: a.addToSoA},
		{Method: http.MethodDelete, Path: "/api/v1/soa/controls/{framework}/{ref}", Action: del, Resource: aims.ResControl, Handle: a.removeFromSoA},
		{Method: http.MethodGet, Path: "/api/v1/soa/versions", Action: read, Resource: aims.ResSoA, Handle: a.listSoAVersions},
		{Method: http.MethodPost, Path: "/api/v1/soa/versions", Action: aims.ActionApprove, Resource: aims.ResSoA, Handle: a.approveSoA},
		{Method: http.MethodGet, Path: "/api/v1/soa/versions/{number}", Action: read, Resource: aims.ResSoA, Handle: a.getSoAVersion},
		{Method: http.MethodGet, Path: "/api/v1/soa/diff", Action: read, Resource: aims.ResSoA, Handle: a.diffSoA},
		{Method: http.MethodGet, Path: "/api/v1/soa/export", Action: read, Resource: aims.ResSoA, Handle: a.exportSoA},

		{Method: http.MethodGet, Path: "/api/v1/systems", Action: read, Resource: aims.ResSystem, Handle: a.listSystems},
		{Method: http.MethodPost, Path: "/api/v1/systems", Action: create, Resource: aims.ResSystem, Handle: a.createSystem},
		{Method: http.MethodPost, Path: "/api/v1/systems/import", Action: create, Resource: aims.ResSystem, Handle: a.importSystems},
		{Method: http.MethodGet, Path: "/api/v1/systems/export", Action: read, Resource: aims.ResSystem, Handle: a.exportSystems},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}", Action: read, Resource: aims.ResSystem, Handle: a.getSystem},
		{Method: http.MethodPatch, Path: "/api/v1/systems/{id}", Action: update, Resource: aims.ResSystem, Handle: a.updateSystem},
		{Method: http.MethodDelete, Path: "/api/v1/systems/{id}", Action: del, Resource: aims.ResSystem, Handle: a.deleteSystem},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/history", Action: read, Resource: aims.ResSystem, Handle: a.systemHistory},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/classification", Action: read, Resource: aims.ResSystem, Handle: a.getClassification},
		{Method: http.MethodPut, Path: "/api/v1/systems/{id}/classification", Action: update, Resource: aims.ResSystem, Handle: a.putClassification},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/classification/history", Action: read, Resource: aims.ResSystem, Handle: a.classificationHistory},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/obligations", Action: read, Resource: aims.ResSystem, Handle: a.systemObligations},
		{Method: http.MethodGet, Path: "/api/v1/eu-ai-act/questionnaire", Action: read, Resource: aims.ResSystem, Handle: a.euQuestionnaire},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/components", Action: read, Resource: aims.ResSystem, Handle: a.systemComponents},
		{Method: http.MethodPut, Path: "/api/v1/systems/{id}/components/{componentID}", Action: update, Resource: aims.ResSystem, Handle: a.linkComponent},
		{Method: http.MethodDelete, Path: "/api/v1/systems/{id}/components/{componentID}", Action: update, Resource: aims.ResSystem, Handle: a.unlinkComponent},
		{Method: http.MethodGet, Path: "/api/v1/components", Action: read, Resource: aims.ResSystem, Handle: a.listComponents},
		{Method: http.MethodPost, Path: "/api/v1/components", Action: create, Resource: aims.ResSystem, Handle: a.createComponent},
		{Method: http.MethodGet, Path: "/api/v1/components/{id}", Action: read, Resource: aims.ResSystem, Handle: a.getComponent},
		{Method: http.MethodPatch, Path: "/api/v1/components/{id}", Action: update, Resource: aims.ResSystem, Handle: a.updateComponent},
		{Method: http.MethodDelete, Path: "/api/v1/components/{id}", Action: del, Resource: aims.ResSystem, Handle: a.deleteComponent},
		{Method: http.MethodGet, Path: "/api/v1/components/{id}/systems", Action: read, Resource: aims.ResSystem, Handle: a.componentSystems},
		{Method: http.MethodPost, Path: "/api/v1/systems/{id}/model-cards", Action: create, Resource: aims.ResSystem, Handle: a.importModelCard},
		{Method: http.MethodGet, Path: "/api/v1/components/{id}/model-cards", Action: read, Resource: aims.ResSystem, Handle: a.componentModelCards},
		{Method: http.MethodGet, Path: "/api/v1/model-cards/{id}", Action: read, Resource: aims.ResSystem, Handle: a.getModelCard},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/card", Action: read, Resource: aims.ResSystem, Handle: a.systemCard},
		{Method: http.MethodPost, Path: "/api/v1/systems/{id}/boms", Action: create, Resource: aims.ResSystem, Handle: a.importBOM},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/boms", Action: read, Resource: aims.ResSystem, Handle: a.listBOMs},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/boms/diff", Action: read, Resource: aims.ResSystem, Handle: a.diffBOMs},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/boms/{seq}", Action: read, Resource: aims.ResSystem, Handle: a.getBOM},
		{Method: http.MethodGet, Path: "/api/v1/systems/{id}/bom", Action: read, Resource: aims.ResSystem, Handle: a.exportBOM},

		{Method: http.MethodGet, Path: "/api/v1/frameworks", Action: read, Resource: aims.ResFramework, Handle: a.listFrameworks},
		{Method: http.MethodPost, Path: "/api/v1/frameworks", Action: create, Resource: aims.ResFramework, Handle: a.importFramework},
		{Method: http.MethodGet, Path: "/api/v1/frameworks/{key}", Action: read, Resource: aims.ResFramework, Handle: a.getFramework},
		{Method: http.MethodDelete, Path: "/api/v1/frameworks/{key}", Action: del, Resource: aims.ResFramework, Handle: a.deleteFramework},
		{Method: http.MethodGet, Path: "/api/v1/frameworks/{key}/export", Action: read, Resource: aims.ResFramework, Handle: a.exportFramework},
		{Method: http.MethodGet, Path: "/api/v1/frameworks/{key}/requirements", Action: read, Resource: aims.ResFramework, Handle: a.listRequirements},
		{Method: http.MethodGet, Path: "/api/v1/frameworks/{key}/requirements/{ref}", Action: read, Resource: aims.ResFramework, Handle: a.getRequirement},
		{Method: http.MethodGet, Path: "/api/v1/search", Action: read, Resource: aims.ResFramework, Handle: a.search},
		{Method: http.MethodPost, Path: "/api/v1/licensed-texts", Action: update, Resource: aims.ResFramework, Handle: a.importLicensedTexts},
		{Method: http.MethodGet, Path: "/api/v1/links", Action: read, Resource: aims.ResLink, Handle: a.listLinks},
		{Method: http.MethodPost, Path: "/api/v1/links", Action: create, Resource: aims.ResLink, Handle: a.createLink},
		{Method: http.MethodGet, Path: "/api/v1/links/{id}", Action: read, Resource: aims.ResLink, Handle: a.getLink},
		{Method: http.MethodDelete, Path: "/api/v1/links/{id}", Action: del, Resource: aims.ResLink, Handle: a.deleteLink},
		{Method: http.MethodGet, Path: "/api/v1/comments", Action: read, Resource: aims.ResComment, Handle: a.listComments},
		{Method: http.MethodPost, Path: "/api/v1/comments", Action: create, Resource: aims.ResComment, Handle: a.createComment},
		{Method: http.MethodGet, Path: "/api/v1/comments/{id}", Action: read, Resource: aims.ResComment, Handle: a.getComment},
		{Method: http.MethodPatch, Path: "/api/v1/comments/{id}", Action: update, Resource: aims.ResComment, Handle: a.updateComment},
		{Method: http.MethodGet, Path: "/api/v1/tasks", Action: read, Resource: aims.ResTask, Handle: a.listTasks},
		{Method: http.MethodPost, Path: "/api/v1/tasks", Action: create, Resource: aims.ResTask, Handle: a.createTask},
		{Method: http.MethodGet, Path: "/api/v1/tasks/{id}", Action: read, Resource: aims.ResTask, Handle: a.getTask},
		{Method: http.MethodPatch, Path: "/api/v1/tasks/{id}", Action: update, Resource: aims.ResTask, Handle: a.updateTask},
		{Method: http.MethodGet, Path: "/api/v1/webhooks", Action: read, Resource: aims.ResWebhook, Handle: a.listWebhooks},
		{Method: http.MethodPost, Path: "/api/v1/webhooks", Action: create, Resource: aims.ResWebhook, Handle: a.createWebhook},
		{Method: http.MethodGet, Path: "/api/v1/webhooks/{id}", Action: read, Resource: aims.ResWebhook, Handle: a.getWebhook},
		{Method: http.MethodDelete, Path: "/api/v1/webhooks/{id}", Action: del, Resource: aims.ResWebhook, Handle: a.deleteWebhook},
		{Method: http.MethodPost, Path: "/api/v1/webhooks/{id}/test", Action: update, Resource: aims.ResWebhook, Handle: a.testWebhook},
		{Method: http.MethodGet, Path: "/api/v1/webhooks/{id}/deliveries", Action: read, Resource: aims.ResWebhook, Handle: a.listDeliveries},
		{Method: http.MethodGet, Path: "/api/v1/relationships", Action: read, Resource: aims.ResLink, Handle: a.listRelationships},

		{Method: http.MethodPost, Path: "/api/v1/mappings", Action: create, Resource: aims.ResMapping, Handle: a.createMapping},
		{Method: http.MethodDelete, Path: "/api/v1/mappings/{id}", Action: del, Resource: aims.ResMapping, Handle: a.deleteMapping},
	}
}
