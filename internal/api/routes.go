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

		{Method: http.MethodGet, Path: "/api/v1/organization", Action: read, Resource: aims.ResOrganization, Handle: a.getOrganization},
		{Method: http.MethodPatch, Path: "/api/v1/organization", Action: update, Resource: aims.ResOrganization, Handle: a.updateOrganization},

		{Method: http.MethodGet, Path: "/api/v1/members", Action: read, Resource: aims.ResMember, Handle: a.listMembers},
		{Method: http.MethodPost, Path: "/api/v1/members", Action: create, Resource: aims.ResMember, Handle: a.addMember},
		{Method: http.MethodGet, Path: "/api/v1/members/{id}", Action: read, Resource: aims.ResMember, Handle: a.getMember},
		{Method: http.MethodPatch, Path: "/api/v1/members/{id}", Action: update, Resource: aims.ResMember, Handle: a.updateMember},
		{Method: http.MethodDelete, Path: "/api/v1/members/{id}", Action: del, Resource: aims.ResMember, Handle: a.removeMember},

		{Method: http.MethodGet, Path: "/api/v1/tokens", Action: read, Resource: aims.ResToken, Handle: a.listTokens},
		{Method: http.MethodPost, Path: "/api/v1/tokens", Action: create, Resource: aims.ResToken, Handle: a.createToken},
		{Method: http.MethodGet, Path: "/api/v1/tokens/{id}", Action: read, Resource: aims.ResToken, Handle: a.getToken},
		{Method: http.MethodDelete, Path: "/api/v1/tokens/{id}", Action: del, Resource: aims.ResToken, Handle: a.revokeToken},

		{Method: http.MethodGet, Path: "/api/v1/activity", Action: read, Resource: aims.ResActivity, Handle: a.listActivity},
		{Method: http.MethodGet, Path: "/api/v1/activity/export", Action: read, Resource: aims.ResActivity, Handle: a.exportActivity},
		{Method: http.MethodGet, Path: "/api/v1/activity/verify", Action: read, Resource: aims.ResActivity, Handle: a.verifyActivity},
	}
}
