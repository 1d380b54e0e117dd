package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// assistBOMs are two versions of Lumen Assist's CycloneDX ML-BOM, as its engineering team would generate
// them at two releases: the second upgrades the fine-tuned adapter (new evaluation numbers), refreshes the
// ticket data, upgrades the serving library and adds a guardrail model. Everything is fictitious.
var assistBOMs = []struct{ file, json string }{
	{"lumen-assist-2026.01.cdx.json", assistBOM("2026.01", "1.0", "0.81", "0.07", "2025-Q4", "0.6.3", "")},
	{"lumen-assist-2026.03.cdx.json", assistBOM("2026.03", "1.1", "0.84", "0.05", "2026-Q1", "0.6.4",
		`,{"bom-ref":"guard","type":"machine-learning-model","name":"nw-guard-1b","version":"1.0","supplier":{"name":"Northwind AI (fictitious)"},
  "licenses":[{"license":{"name":"apache-2.0"}}],"description":"Classifies prompts and answers as safe or unsafe before they reach the customer.",
  "modelCard":{"modelParameters":{"task":"text-classification"},"quantitativeAnalysis":{"performanceMetrics":[{"type":"F1 (unsafe)","value":"0.91"}]}}}`)},
}

// assistBOM is one release of Lumen Assist's ML-BOM.
func assistBOM(release, adapter, accuracy, escalation, tickets, vllm, extra string) string {
	r := strings.NewReplacer("RELEASE", release, "ADAPTER", adapter, "ACCURACY", accuracy, "ESCALATION", escalation,
		"TICKETS", tickets, "VLLM", vllm, "EXTRA", extra, "BASE", assistModel, "SUPPLIER", assistSupplier)
	return r.Replace(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
 "metadata":{"timestamp":"2026-01-15T09:00:00Z","component":{"bom-ref":"lumen-assist","type":"application","name":"Lumen Assist","version":"RELEASE"},
  "manufacturer":{"name":"Lumen Labs"}},
 "components":[
  {"bom-ref":"base","type":"machine-learning-model","name":"BASE","supplier":{"name":"SUPPLIER"},"licenses":[{"license":{"name":"apache-2.0"}}]},
  {"bom-ref":"adapter","type":"machine-learning-model","name":"lumen-assist-lora","version":"ADAPTER","supplier":{"name":"Lumen Labs"},
   "description":"LoRA adapter that teaches the base model Lumen's tone and product vocabulary.",
   "hashes":[{"alg":"SHA-256","content":"6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b"}],
   "modelCard":{"modelParameters":{"approach":{"type":"supervised"},"task":"question-answering","architectureFamily":"transformer",
     "datasets":[{"ref":"tickets"}]},
    "quantitativeAnalysis":{"performanceMetrics":[{"type":"answer accuracy","value":"ACCURACY","slice":"EN support questions"},
     {"type":"escalation miss rate","value":"ESCALATION"}]},
    "considerations":{"technicalLimitations":["Drafts only: an agent reviews every answer before it is sent."]}}},
  {"bom-ref":"tickets","type":"data","name":"lumen-support-tickets","version":"TICKETS","supplier":{"name":"Lumen Labs"},
   "data":[{"type":"dataset","name":"lumen-support-tickets","contents":{"url":"s3://lumen-ml/datasets/support-tickets/TICKETS"},
    "classification":"confidential","sensitiveData":["customer names","e-mail addresses"],
    "description":"Resolved support tickets exported from the help desk; names and addresses pseudonymised before training."}]},
  {"bom-ref":"docs","type":"data","name":"lumen-docs-corpus","version":"RELEASE","supplier":{"name":"Lumen Labs"},
   "data":[{"type":"dataset","name":"lumen-docs-corpus","contents":{"url":"https://docs.lumenlabs.example"},
    "description":"Lumen's public product documentation, indexed for retrieval at answer time."}]},
  {"bom-ref":"embed","type":"machine-learning-model","name":"bge-small-en","version":"1.5","supplier":{"name":"BAAI"},
   "licenses":[{"license":{"id":"MIT"}}],"purl":"pkg:huggingface/BAAI/bge-small-en-v1.5"},
  {"bom-ref":"vllm","type":"library","name":"vllm","version":"VLLM","purl":"pkg:pypi/vllm@VLLM","licenses":[{"license":{"id":"Apache-2.0"}}]}EXTRA],
 "services":[{"bom-ref":"search","name":"lumen-kb-search","version":"RELEASE","provider":{"name":"Lumen Labs"},
  "endpoints":["https://kb.lumenlabs.example/api/search"],"authenticated":true,
  "data":[{"flow":"outbound","classification":"public","name":"customer question"}]}],
 "dependencies":[{"ref":"adapter","dependsOn":["base","tickets"]},{"ref":"lumen-assist","dependsOn":["adapter","embed","search"]}]}`)
}

// LoadBOMs imports the two versions of Lumen Assist's ML-BOM, as its engineering team would at each
// release, unless the system has a BOM already; the BOM page then has a diff to show. It expects
// LoadSystems to have run.
func LoadBOMs(ctx context.Context, systems *system.Service, components *component.Service, st SoAStore) error {
	org, err := st.OrganizationBySlug(ctx, OrgSlug)
	if err != nil {
		return fmt.Errorf("cannot find the demo organization: %w", err)
	}
	owner, err := st.UserByEmail(ctx, systemOwners[0])
	if err != nil {
		return err
	}
	ctx = aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: owner.ID, Name: owner.Name, UserID: owner.ID, OrgID: org.ID,
		OrgSlug: org.Slug, Role: aims.RoleManager})
	ss, _, err := systems.List(ctx, org.ID, system.Filter{Query: lumenSystems[0].Name}, aims.Page{Limit: 10})
	if err != nil {
		return err
	}
	var assist *system.System
	for _, s := range ss {
		if s.Name == lumenSystems[0].Name {
			assist = s
		}
	}
	if assist == nil {
		return nil // the organization's inventory is its own now
	}
	if vs, err := components.BOMs(ctx, org.ID, assist.ID); err != nil || len(vs) > 0 {
		return err
	}
	for _, b := range assistBOMs {
		if _, err := components.ImportBOM(ctx, org.ID, assist.ID, strings.NewReader(b.json), b.file); err != nil {
			return fmt.Errorf("cannot import Lumen Assist's BOM %s: %w", b.file, err)
		}
	}
	return nil
}
