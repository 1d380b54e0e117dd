package framework_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/aimsproject/aims/internal/framework"
)

func requirement(t *testing.T, bf *framework.BuiltinFramework, ref string) *framework.Requirement {
	t.Helper()
	for _, r := range bf.Requirements {
		if r.Ref == ref {
			return r
		}
	}
	t.Fatalf("%s has no %s", bf.Framework.Key, ref)
	return nil
}

// The category statements of NIST AI 100-1 (Tables 1 to 4), public domain.
func TestEveryNISTAIRMFCategoryIsTitledWithNISTsStatement(t *testing.T) {
	rmf := loadCatalog(t).Framework(framework.NISTAIRMF)
	n := 0
	for _, r := range rmf.Requirements {
		if r.Kind != framework.ReqCategory {
			continue
		}
		n++
		if r.Title == r.Ref || strings.HasPrefix(r.Title, r.Ref) || len(r.Title) < 30 || !strings.HasSuffix(r.Title, ".") {
			t.Errorf("%s is titled %q, want NIST's category statement", r.Ref, r.Title)
		}
		if r.Text != r.Title {
			t.Errorf("%s text %q, want its statement", r.Ref, r.Text)
		}
	}
	if n != 19 {
		t.Fatalf("%d categories, want 19", n)
	}
	for ref, want := range map[string]string{
		"GOVERN 1":  "Policies, processes, procedures, and practices across the organization related to the mapping, measuring, and managing of AI risks are in place, transparent, and implemented effectively.",
		"GOVERN 6":  "Policies and procedures are in place to address AI risks and benefits arising from third-party software and data and other supply chain issues.",
		"MAP 1":     "Context is established and understood.",
		"MEASURE 3": "Mechanisms for tracking identified AI risks over time are in place.",
		"MANAGE 4":  "Risk treatments, including response and recovery, and communication plans for the identified and measured AI risks are documented and monitored regularly.",
	} {
		if got := requirement(t, rmf, ref).Title; got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
}

// The clause titles of ISO/IEC 27001:2022 (titles only), which use sentence case.
func TestISO27001ClausesHaveTheirPublishedTitles(t *testing.T) {
	isms := loadCatalog(t).Framework(framework.ISO27001)
	want := map[string]string{
		"4": "Context of the organization", "4.1": "Understanding the organization and its context",
		"4.2": "Understanding the needs and expectations of interested parties",
		"4.3": "Determining the scope of the information security management system", "4.4": "Information security management system",
		"5": "Leadership", "5.1": "Leadership and commitment", "5.2": "Policy", "5.3": "Organizational roles, responsibilities and authorities",
		"6": "Planning", "6.1": "Actions to address risks and opportunities", "6.1.1": "General",
		"6.1.2": "Information security risk assessment", "6.1.3": "Information security risk treatment",
		"6.2": "Information security objectives and planning to achieve them", "6.3": "Planning of changes",
		"7": "Support", "7.1": "Resources", "7.2": "Competence", "7.3": "Awareness", "7.4": "Communication",
		"7.5": "Documented information", "7.5.1": "General", "7.5.2": "Creating and updating", "7.5.3": "Control of documented information",
		"8": "Operation", "8.1": "Operational planning and control", "8.2": "Information security risk assessment",
		"8.3": "Information security risk treatment",
		"9":   "Performance evaluation", "9.1": "Monitoring, measurement, analysis and evaluation", "9.2": "Internal audit",
		"9.2.1": "General", "9.2.2": "Internal audit programme", "9.3": "Management review", "9.3.1": "General",
		"9.3.2": "Management review inputs", "9.3.3": "Management review results",
		"10": "Improvement", "10.1": "Continual improvement", "10.2": "Nonconformity and corrective action",
	}
	n := 0
	for _, r := range isms.Requirements {
		if r.Kind != framework.ReqClause {
			continue
		}
		n++
		if want[r.Ref] == "" {
			t.Errorf("clause %s %q is not in ISO/IEC 27001:2022", r.Ref, r.Title)
		} else if r.Title != want[r.Ref] {
			t.Errorf("clause %s = %q, want %q", r.Ref, r.Title, want[r.Ref])
		}
		for i, c := range r.Title {
			if i > 0 && unicode.IsUpper(c) {
				t.Errorf("clause %s %q is not in sentence case", r.Ref, r.Title)
				break
			}
		}
	}
	if n != len(want) {
		t.Errorf("%d ISO/IEC 27001 clauses, want %d", n, len(want))
	}
}

func TestEveryShippedMappingHasTheSourceKindOfItsOrigin(t *testing.T) {
	c := loadCatalog(t)
	kinds := map[string]int{}
	for _, m := range c.Mappings {
		kind := framework.SourceKindOf(m.Source, false)
		kinds[kind]++
		var want string
		switch {
		case m.ToKey == framework.NISTAIRMF:
			want = framework.SourcePublished
		case m.ToKey == framework.ISO27001 && !strings.HasPrefix(m.ToRef, "A."):
			// The clause alignment follows from the shared numbering; no one published it as a crosswalk.
			want = framework.SourceDerived
		default:
			want = framework.SourceByAims
		}
		if kind != want {
			t.Errorf("%s %s -> %s %s (source %q) is %s, want %s", m.FromKey, m.FromRef, m.ToKey, m.ToRef, m.Source, kind, want)
		}
	}
	if kinds[framework.SourceDerived] != 34 || kinds[framework.SourcePublished] != 280 {
		t.Errorf("kinds %v: want the 34 derived clause alignments and the 280 published pairs", kinds)
	}
	for _, tc := range []struct {
		source string
		own    bool
		want   string
	}{
		{"derived-structural (NOT a published crosswalk): ISO Harmonized Structure", false, framework.SourceDerived},
		{`NIST AIRC crosswalk "NIST AI RMF to ISO/IEC FDIS 42001"`, false, framework.SourcePublished},
		{framework.SourceAims, false, framework.SourceByAims},
		{"derived-structural, our own reading", true, framework.SourceByOrg},
		{framework.SourceOwn, true, framework.SourceByOrg},
	} {
		if got := framework.SourceKindOf(tc.source, tc.own); got != tc.want {
			t.Errorf("SourceKindOf(%q, %v) = %s, want %s", tc.source, tc.own, got, tc.want)
		}
	}
}

var daysPattern = regexp.MustCompile(`(\d+)(?: or (\d+))? days`)

func TestGuidanceCoversRepairsUpdatesSupportAndTheArticle73TimeLimits(t *testing.T) {
	c := loadCatalog(t)
	iso := c.Framework(framework.ISO42001)
	op := requirement(t, iso, "A.6.2.6").Guidance
	all := strings.ToLower(op.Summary + " " + strings.Join(op.Evidence, " ") + " " + strings.Join(op.AuditorQuestions, " "))
	for _, w := range []string{"monitor", "repair", "update", "support"} {
		if !strings.Contains(all, w) {
			t.Errorf("A.6.2.6 guidance does not cover %q: %s", w, op.Summary)
		}
	}
	// Art. 73(2)-(4): 15 days at the latest; 10 days in the event of a death; 2 days for a widespread
	// infringement or a serious incident under Art. 3(49)(b) (critical infrastructure).
	inc := requirement(t, iso, "A.8.4").Guidance.Summary
	for _, w := range []string{"Art. 73", "15 days", "10 days where a person's death", "2 days for a widespread infringement",
		"critical infrastructure", "aware"} {
		if !strings.Contains(inc, w) {
			t.Errorf("A.8.4 guidance lacks %q: %s", w, inc)
		}
	}
	if strings.Contains(inc, "tight deadlines") {
		t.Errorf("A.8.4 guidance still says tight deadlines instead of naming them: %s", inc)
	}
	// The guidance and the obligation data must not drift apart: every time limit the Art. 73 obligation
	// names is in the guidance.
	for _, a := range c.EUObligations.Articles {
		if a.Article != "73" {
			continue
		}
		for _, m := range daysPattern.FindAllStringSubmatch(a.Obligation, -1) {
			for _, n := range m[1:] {
				if n != "" && !strings.Contains(inc, "at the latest "+n+" days") {
					t.Errorf("Art. 73 obligation %q names %s days, the A.8.4 guidance does not", a.Obligation, n)
				}
			}
		}
	}
}

// The review of aims's own mappings (SOURCES.md): weak pairs are gone, their better targets are there, and
// every pair keeps a one-line rationale.
func TestAimsMappingsReflectTheirReview(t *testing.T) {
	c := loadCatalog(t)
	pairs := map[string]*framework.BuiltinMapping{}
	for _, m := range c.Mappings {
		pairs[m.FromRef+" "+m.ToKey+" "+m.ToRef] = m
		if framework.SourceKindOf(m.Source, false) == framework.SourceByAims {
			if m.Rationale == "" || strings.ContainsAny(m.Rationale, "\r\n") || len(m.Rationale) > 320 {
				t.Errorf("%s -> %s %s: rationale %q is not one line", m.FromRef, m.ToKey, m.ToRef, m.Rationale)
			}
		}
	}
	for _, gone := range []string{
		"A.3.2 " + framework.EUAIAct + " 14",       // Art. 14 is the provider's design duty; a deployer assigns oversight under Art. 26(2)
		"A.6.2.6 " + framework.EUAIAct + " 14",     // the same
		"A.2.2 " + framework.ISO27001 + " A.5.10",  // the AI policy is not acceptable use (A.9.2, A.9.4)
		"A.6.2.6 " + framework.ISO27001 + " A.5.7", // threat intelligence is not operation and monitoring
		"A.4.5 " + framework.ISO27001 + " A.8.14",  // documenting resources does not make them redundant
	} {
		if pairs[gone] != nil {
			t.Errorf("weak mapping %s is still shipped", gone)
		}
	}
	for pair, says := range map[string]string{
		"A.3.2 " + framework.EUAIAct + " 26":        "26(2)",
		"A.6.2.6 " + framework.EUAIAct + " 20":      "Repairs and updates",
		"A.6.2.6 " + framework.ISO27001 + " A.8.32": "updates",
		"A.9.2 " + framework.ISO27001 + " A.5.10":   "acceptable-use",
	} {
		if m := pairs[pair]; m == nil || !strings.Contains(m.Rationale, says) {
			t.Errorf("%s = %+v, want a rationale that says %q", pair, m, says)
		}
	}
}
