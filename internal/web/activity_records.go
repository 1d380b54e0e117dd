package web

import (
	"net/url"
	"strings"

	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/record"
)

// recordTypes are the kinds of record the trail speaks of, in the order the filter offers them, with the
// words a person uses for each.
var recordTypes = []struct{ Type, Label string }{
	{"control", "control"},
	{"control_link", "control link"},
	{"soa_version", "SoA version"},
	{"org_profile", "AI roles"},
	{"system", "AI system"},
	{"system_component", "component of a system"},
	{"system_classification", "EU AI Act classification"},
	{"component", "component"},
	{"bom_import", "BOM"},
	{"model_card", "model card"},
	{"framework", "framework"},
	{"mapping", "mapping"},
	{"licensed_text", "licensed text"},
	{"membership", "membership"},
	{"api_token", "API token"},
	{"organization", "organization"},
	{"user", "user"},
	{"link", "link"},
	{"comment", "comment"},
	{"task", "task"},
	{"webhook", "webhook"},
	{"webhook_test", "webhook test"},
	{"email_preference", "e-mail setting"},
	{"risk", "risk"},
	{"risk_criteria", "risk criteria"},
	{"risk_import", "risk import"},
	{"impact", "impact assessment"},
	{"gate_policy", "release gate policy"},
	{"evidence", "evidence"},
	{"evaluation", "evaluation run"},
	{"evaluation_criteria", "acceptance criteria"},
}

// recordTypeLabel returns the words for a record type, or the type itself.
func recordTypeLabel(t string) string {
	for _, r := range recordTypes {
		if r.Type == t {
			return r.Label
		}
	}
	return strings.ReplaceAll(t, "_", " ")
}

// recordHref returns the address of the page that shows the record of e, or "" when there is none (the
// record is deleted, or has no page of its own).
func recordHref(e *activity.Entry, r activity.Record) string {
	if e.Action == activity.ActionDelete {
		return ""
	}
	esc := url.PathEscape
	switch e.RecordType {
	case "control":
		if r.Framework != "" && r.Ref != "" {
			return controlHref(r.Framework, r.Ref)
		}
	case "system", "system_component":
		return "/systems/" + esc(e.RecordID)
	case "system_classification":
		return "/systems/" + esc(e.RecordID) + "/classification"
	case "component":
		return "/components/" + esc(e.RecordID)
	case "risk":
		return "/risks/" + esc(e.RecordID)
	case "risk_criteria":
		return "/risks/criteria"
	case "impact":
		return "/impact-assessments/" + esc(e.RecordID)
	case "gate_policy":
		return gatePolicyPath
	case "evidence":
		return "/evidence/" + esc(e.RecordID)
	case "evaluation":
		return "/evaluations/" + esc(e.RecordID)
	case "evaluation_criteria":
		return "/systems/" + esc(e.RecordID) + "/evaluations#criteria-title"
	case "bom_import":
		if r.SystemID != "" {
			return "/systems/" + esc(r.SystemID) + "/bom"
		}
	case "model_card":
		return "/model-cards/" + esc(e.RecordID)
	case "soa_version":
		if n := strings.TrimPrefix(r.Ref, "version "); n != r.Ref {
			return "/soa/versions/" + esc(n)
		}
	case "framework":
		if r.Framework != "" {
			return "/frameworks/" + esc(r.Framework)
		}
	case "org_profile":
		return "/context/ai-roles"
	case "api_token":
		return "/tokens"
	case "membership":
		return "/members"
	case "organization":
		return "/settings"
	case "comment", "task", "link":
		if ref, err := record.ParseRef(r.Of, "of"); err == nil {
			p := (record.End{Type: ref.Type, ID: ref.ID}).Path()
			switch e.RecordType {
			case "comment":
				p += "#comment-" + e.RecordID
			case "task":
				p += "#record-tasks-title"
			default:
				p += "#record-links-title"
			}
			return p
		}
	case "webhook", "webhook_test":
		return "/webhooks"
	case "email_preference":
		return "/my-work#notify-title"
	}
	return ""
}
