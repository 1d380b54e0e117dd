package aims

import "strings"

// Role is what a member may do in one organization.
type Role string

const (
	RoleOwner       Role = "owner"       // everything, including ownership and deleting the organization
	RoleAdmin       Role = "admin"       // manages members, tokens and settings
	RoleManager     Role = "manager"     // runs the management system: approves, assigns, edits every record
	RoleContributor Role = "contributor" // creates and edits records, pushes evidence, makes own tokens
	RoleAuditor     Role = "auditor"     // reads everything, may comment, changes nothing
	RoleViewer      Role = "viewer"      // reads the management system's records
)

// Roles lists every role from the most to the least powerful.
var Roles = []Role{RoleOwner, RoleAdmin, RoleManager, RoleContributor, RoleAuditor, RoleViewer}

var roleRank = map[Role]int{RoleViewer: 1, RoleAuditor: 2, RoleContributor: 3, RoleManager: 4, RoleAdmin: 5, RoleOwner: 6}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// AtMost reports whether every action r allows is also allowed to other: the rule that an API token's role
// may be no higher than its creator's. The roles are ordered so that each allows everything the one below
// it allows.
func (r Role) AtMost(other Role) bool {
	return r.Valid() && other.Valid() && roleRank[r] <= roleRank[other]
}

// ParseRole returns the role named s, or an EINVALID error about field.
func ParseRole(s, field string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", FieldError(field, "unknown role %q: use owner, admin, manager, contributor, auditor or viewer", s)
	}
	return r, nil
}

// Action is what a request does to a resource.
type Action string

const (
	ActionRead    Action = "read"
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionDelete  Action = "delete"
	ActionComment Action = "comment"
	ActionApprove Action = "approve"
)

// Resource is a kind of record that the policy knows.
type Resource string

const (
	ResOrganization Resource = "organization"  // the organization's profile and settings
	ResMember       Resource = "member"        // memberships and their roles
	ResInvitation   Resource = "invitation"    // invitations to join: they name people not yet members
	ResToken        Resource = "token"         // API tokens; the token service also limits non-admins to their own
	ResActivity     Resource = "activity"      // the activity trail; append-only, so only read
	ResRecord       Resource = "record"        // the management system's records (context, policies, risks, ...)
	ResFramework    Resource = "framework"     // frameworks and requirements: built in, imported, own controls, licensed text
	ResMapping      Resource = "mapping"       // mappings between requirements of two frameworks
	ResContext      Resource = "context"       // the organization's AI roles and other clause 4 settings
	ResControl      Resource = "control"       // control implementations: applicability, status, owner, links
	ResSoA          Resource = "soa"           // the Statement of Applicability: live view, versions, exports
	ResSystem       Resource = "system"        // the AI system inventory: systems, their components and history
	ResLink         Resource = "link"          // links between any two records of the organization
	ResComment      Resource = "comment"       // comments on records; auditors raise their questions with them
	ResTask         Resource = "task"          // tasks on records: who owns what, by when
	ResWebhook      Resource = "webhook"       // the organization's webhooks and their deliveries
	ResRisk         Resource = "risk"          // the AI risk register: risks of systems and of the organization
	ResRiskCriteria Resource = "risk_criteria" // the risk criteria: scales, levels, matrix, acceptance
)

// ResImpact is the AI system impact assessments: their versions and sign-off.
const ResImpact Resource = "impact_assessment"

// ResGate is the release gate: checking a system against it (read) and its policy (update).
const ResGate Resource = "gate"

// ResEvidence is evidence: files, links and records that show a control works, with their review.
const ResEvidence Resource = "evidence"

// ResEvaluation is the evaluation runs of AI systems and their acceptance criteria. Contributors (the ML
// engineers who run the tools) import runs; setting a system's criteria is a manager's decision.
const ResEvaluation Resource = "evaluation"

// policy is the whole authorization policy: for each resource and action, the least role that may act.
// Anything absent is denied to everyone.
var policy = map[Resource]map[Action]Role{
	ResOrganization: {ActionRead: RoleViewer, ActionUpdate: RoleAdmin, ActionDelete: RoleOwner},
	ResMember:       {ActionRead: RoleViewer, ActionCreate: RoleAdmin, ActionUpdate: RoleAdmin, ActionDelete: RoleAdmin},
	ResInvitation:   {ActionRead: RoleAdmin, ActionCreate: RoleAdmin, ActionDelete: RoleAdmin},
	ResToken:        {ActionRead: RoleAuditor, ActionCreate: RoleContributor, ActionDelete: RoleContributor},
	ResActivity:     {ActionRead: RoleAuditor},
	ResRecord: {ActionRead: RoleViewer, ActionComment: RoleAuditor, ActionCreate: RoleContributor,
		ActionUpdate: RoleContributor, ActionDelete: RoleManager},
	ResFramework: {ActionRead: RoleViewer, ActionCreate: RoleManager, ActionUpdate: RoleManager, ActionDelete: RoleManager},
	ResMapping:   {ActionRead: RoleViewer, ActionCreate: RoleManager, ActionDelete: RoleManager},
	ResContext:   {ActionRead: RoleViewer, ActionUpdate: RoleManager},
	ResControl: {ActionRead: RoleViewer, ActionComment: RoleAuditor, ActionCreate: RoleManager,
		ActionUpdate: RoleContributor, ActionDelete: RoleManager},
	ResSoA: {ActionRead: RoleViewer, ActionApprove: RoleManager},
	ResSystem: {ActionRead: RoleViewer, ActionCreate: RoleContributor, ActionUpdate: RoleContributor,
		ActionDelete: RoleManager},
	ResLink:    {ActionRead: RoleViewer, ActionCreate: RoleContributor, ActionDelete: RoleContributor},
	ResComment: {ActionRead: RoleViewer, ActionCreate: RoleAuditor, ActionUpdate: RoleAuditor},
	ResTask:    {ActionRead: RoleViewer, ActionCreate: RoleContributor, ActionUpdate: RoleContributor},
	ResWebhook: {ActionRead: RoleAuditor, ActionCreate: RoleAdmin, ActionUpdate: RoleAdmin, ActionDelete: RoleAdmin},
	ResRisk: {ActionRead: RoleViewer, ActionComment: RoleAuditor, ActionCreate: RoleContributor, ActionUpdate: RoleContributor,
		ActionDelete: RoleManager},
	ResRiskCriteria: {ActionRead: RoleViewer, ActionUpdate: RoleManager},
	ResImpact: {ActionRead: RoleViewer, ActionComment: RoleAuditor, ActionCreate: RoleContributor, ActionUpdate: RoleContributor,
		ActionApprove: RoleManager, ActionDelete: RoleManager},
	ResGate: {ActionRead: RoleViewer, ActionUpdate: RoleManager},
	ResEvidence: {ActionRead: RoleViewer, ActionComment: RoleAuditor, ActionCreate: RoleContributor, ActionUpdate: RoleContributor,
		ActionApprove: RoleManager, ActionDelete: RoleManager},
	ResEvaluation: {ActionRead: RoleViewer, ActionComment: RoleAuditor, ActionCreate: RoleContributor, ActionUpdate: RoleManager},
}

// Authorize decides whether role may perform action on resource. It is the one place where aims decides
// authorization: every API and web handler calls it through the server's authorization middleware. It
// returns nil or an EFORBIDDEN error.
//
// The auditor role is special only in that it sits below contributor: it reads everything (including the
// activity trail and members) and may comment, but creates, changes and deletes nothing.
func Authorize(role Role, action Action, resource Resource) error {
	least, ok := policy[resource][action]
	if ok && role.Valid() && role.AtMost(RoleOwner) && roleRank[role] >= roleRank[least] {
		return nil
	}
	return Errorf(EFORBIDDEN, "Your role (%s) does not allow %s on %s.", roleOrNone(role), action, resource)
}

// MayOwn reports whether a member with role may be named the owner of a record of resource: an owner answers
// for the record, so they must be allowed to change it. Auditors and viewers may not own records.
func MayOwn(role Role, resource Resource) bool {
	return Authorize(role, ActionUpdate, resource) == nil
}

// OwnerError is the EINVALID error, on field, for naming someone who may not own a record of resource:
// who is not a member (role ""), or whose role may not change it.
func OwnerError(field string, role Role, resource Resource) error {
	if role == "" {
		return FieldError(field, "The owner must be a member of the organization.")
	}
	var may []string
	for _, r := range Roles {
		if MayOwn(r, resource) {
			may = append(may, string(r))
		}
	}
	return FieldError(field, "The owner must be a member whose role may change this %s (%s); this member's role is %s.",
		resource, strings.Join(may, ", "), role)
}

func roleOrNone(r Role) string {
	if r == "" {
		return "none"
	}
	return string(r)
}
