package control

import (
	"context"

	"github.com/aimsproject/aims"
)

// DatesInForce returns the date set of the EU AI Act that is in force, from the catalog.
func (s *Service) DatesInForce() DateSet {
	if s.catalog == nil || s.catalog.EUObligations == nil {
		return DateSet{}
	}
	return DateSetOf(s.catalog, s.catalog.EUObligations.InForceDates())
}

// SwitchToDatesInForce moves orgID to the date set in force, keeping its roles, if its profile is at
// version ifVersion (EPRECONDITION otherwise). It is the one-click answer to the notice that an
// organization plans against superseded dates; like any profile change it is recorded in the activity
// trail. EINVALID when the catalog marks no date set in force.
func (s *Service) SwitchToDatesInForce(ctx context.Context, orgID string, ifVersion int64) (*Profile, error) {
	ds := s.DatesInForce()
	if ds.Key == "" {
		return nil, aims.FieldError("eu_dates", "aims's data marks no EU AI Act date set as in force.")
	}
	p, err := s.store.OrgProfile(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return s.UpdateProfile(ctx, orgID, ProfileUpdate{AIRoles: p.AIRoles, EURoles: p.EURoles, EUDates: ds.Key}, ifVersion)
}
