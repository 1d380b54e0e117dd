package api_test

import (
	"testing"
)

// notificationsMatrixCall returns the matrix's call of the caller's own notification settings: the caller
// sets theirs in their own organization, whichever organization the matrix aims at.
func (e *env) notificationsMatrixCall(t *testing.T, method, path string, caller *member, _ *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	switch method + " " + path {
	case "GET /api/v1/me/notifications":
		return c, func(*testing.T, *response, bool) {}, true
	case "PUT /api/v1/me/notifications":
		c.body = map[string]any{"email": "digest"}
		return c, func(t *testing.T, _ *response, changed bool) {
			m, err := e.Notify.EmailMode(e.Ctx, caller.Org.ID, caller.User.ID)
			if err != nil || changed != (m == "digest") {
				t.Errorf("the caller's mode: %q, %v (changed %v)", m, err, changed)
			}
		}, true
	}
	return c, nil, false
}
