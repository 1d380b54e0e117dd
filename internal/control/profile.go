package control

import (
	"slices"
	"time"

	"github.com/aimsproject/aims"
)

// Profile is the organization's AI roles (clause 4.1): its roles after ISO/IEC 22989, which drive the
// proposed applicability of the Annex A controls, its operator roles under the EU AI Act, which decide the
// obligations that bind it, and the set of EU AI Act application dates it plans against. A profile that
// was never changed is at version 1 with no roles and the dates in force (DatesDefault); organizations
// that existed before the amended dates came into force keep the published ones (migration 0026) until
// they switch.
type Profile struct {
	OrgID     string     `json:"-"`
	AIRoles   []string   `json:"ai_roles"`
	EURoles   []string   `json:"eu_roles"`
	EUDates   string     `json:"eu_dates"`
	Version   int64      `json:"version"`
	UpdatedAt *time.Time `json:"updated_at"`
}

// Role is a role an organization can declare, with its label for people.
type Role struct {
	Key   string
	Label string
	Help  string
}

// AIRoles are the AI roles of ISO/IEC 22989 (5.19), in its order.
var AIRoles = []Role{
	{"ai_provider", "AI provider", "provides AI products or services, such as an AI platform or an AI system, to others"},
	{"ai_producer", "AI producer", "designs, develops, tests and deploys AI systems, including model developers"},
	{"ai_customer", "AI customer", "uses an AI product or service, directly or through its own products"},
	{"ai_partner", "AI partner", "provides services around AI: system integration, data, evaluation, auditing"},
	{"ai_subject", "AI subject", "is affected by AI systems, for example as a data subject"},
}

// EURoles are the operator roles of the EU AI Act (Art. 3), in its order.
var EURoles = []Role{
	{"provider", "Provider", "develops an AI system or general-purpose AI model and places it on the market or puts it into service under its own name"},
	{"deployer", "Deployer", "uses an AI system under its authority, other than for personal non-professional use"},
	{"importer", "Importer", "places on the EU market an AI system bearing the name of a provider established outside the EU"},
	{"distributor", "Distributor", "makes an AI system available on the EU market, other than the provider or the importer"},
	{"authorised_representative", "Authorised representative", "acts in the EU on behalf of a provider established outside it"},
}

// Date sets of the EU AI Act, as the catalog names them.
const (
	DatesPublished = "published"
	DatesAmended   = "amended"
	// DatesDefault is the date set of a new organization: the amended dates, in force since July 2026.
	// The catalog's in_force flag says the same; a catalog test keeps the two in step.
	DatesDefault = DatesAmended
)

// RoleLabel returns the label of the AI or EU role key, or the key itself.
func RoleLabel(key string) string {
	for _, r := range append(slices.Clone(AIRoles), EURoles...) {
		if r.Key == key {
			return r.Label
		}
	}
	return key
}

// ProfileUpdate is a change to the profile: every field, replaced as a whole.
type ProfileUpdate struct {
	AIRoles []string `json:"ai_roles"`
	EURoles []string `json:"eu_roles"`
	EUDates string   `json:"eu_dates"`
}

// canonical returns the keys of roles that appear in given, in the roles' order, or an EINVALID error on
// field naming the first unknown one.
func canonical(given []string, roles []Role, field string) ([]string, error) {
	out := []string{}
	for _, g := range given {
		if !slices.ContainsFunc(roles, func(r Role) bool { return r.Key == g }) {
			return nil, aims.FieldError(field, "Unknown role %q.", g)
		}
	}
	for _, r := range roles {
		if slices.Contains(given, r.Key) {
			out = append(out, r.Key)
		}
	}
	return out, nil
}

func (u *ProfileUpdate) apply(p *Profile) error {
	ai, err := canonical(u.AIRoles, AIRoles, "ai_roles")
	if err != nil {
		return err
	}
	eu, err := canonical(u.EURoles, EURoles, "eu_roles")
	if err != nil {
		return err
	}
	if u.EUDates != DatesPublished && u.EUDates != DatesAmended {
		return aims.FieldError("eu_dates", "Choose the published or the amended application dates.")
	}
	p.AIRoles, p.EURoles, p.EUDates = ai, eu, u.EUDates
	return nil
}
