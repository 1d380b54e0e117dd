package cli_test

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const screeningAnswers = `{"scope_military": "no", "scope_research": "no", "scope_open_source": "no", "scope_personal": "no",
 "prohibited_a": "no", "prohibited_b": "no", "prohibited_intimate": "no", "prohibited_c": "no", "prohibited_d": "no",
 "prohibited_e": "no", "prohibited_f": "no", "prohibited_g": "no", "prohibited_h": "no",
 "annex_i_section": "none", "annex_iii_area": "4", "annex_iii_point_4": "a",
 "derogation_risk": "no", "profiling": "yes", "deployer_type": "private",
 "transparency_interacts": "no", "transparency_synthetic": "no", "transparency_emotion": "no", "transparency_deepfake": "no",
 "gpai": "no"}`

// TestTheGateRunsAsACIJobWould: a pipeline with a contributor's token asks a running aims whether
// TalentMatch may be deployed. Exit 1 lists every unmet condition with what would satisfy it, as text,
// JSON or a JUnit report; a stage with no conditions is exit 0; once a manager sets a policy that the
// system meets, the same command is exit 0. Mistakes in the call are exit 2 and name what is wrong.
func TestTheGateRunsAsACIJobWould(t *testing.T) {
	env := storeEnv(t)
	env["AIMS_PASSWORD"] = "a long enough passphrase"
	dir := t.TempDir()
	answers, policy := filepath.Join(dir, "answers.json"), filepath.Join(dir, "policy.json")
	if err := os.WriteFile(answers, []byte(screeningAnswers), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"user", "create", "--email", "maya@example.com", "--org", "acme", "--role", "owner"},
		{"system", "create", "--org", "acme", "--name", "TalentMatch", "--purpose", "CV screening", "--stage", "deployment", "--eu-role", "deployer"},
		{"system", "classify", "--org", "acme", "--system", "TalentMatch", "--answers", answers},
		{"system", "create", "--org", "acme", "--name", "Chat", "--purpose", "Answers questions", "--stage", "design_and_development"},
	} {
		if _, stderr, code := run(t, env, "", args...); code != 0 {
			t.Fatalf("%v: %s", args, stderr)
		}
	}
	token, stderr, code := run(t, env, "", "token", "create", "--email", "maya@example.com", "--org", "acme", "--name", "ci", "--role", "contributor")
	if code != 0 {
		t.Fatal(stderr)
	}
	s := startServe(t, env)
	ci := map[string]string{"AIMS_SERVER": s.URL, "AIMS_TOKEN": strings.TrimSpace(token)}

	stdout, stderr, code := run(t, ci, "", "gate", "--system", "TalentMatch", "--stage", "deployment")
	if code != 1 || !strings.Contains(stdout, "release gate CLOSED: TalentMatch -> deployment (policy version 0)") ||
		!strings.Contains(stdout, "ok    EU AI Act classification recorded and current") ||
		!strings.Contains(stdout, "UNMET Impact assessment approved and current") ||
		!strings.Contains(stdout, "to satisfy it: Assess TalentMatch's impacts") ||
		!strings.Contains(stderr, "the release gate of TalentMatch for deployment is closed: 5 of 6 conditions unmet") {
		t.Fatalf("gate: exit %d\n%s%s", code, stdout, stderr)
	}

	stdout, _, code = run(t, ci, "", "gate", "--system", "talentmatch", "--format", "junit")
	var report struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Text string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(stdout), &report); err != nil || code != 1 {
		t.Fatalf("junit: exit %d, %v\n%s", code, err, stdout)
	}
	if su := report.Suites[0]; su.Tests != 6 || su.Failures != 5 || su.Cases[0].Failure != nil || su.Cases[1].Failure == nil ||
		!strings.Contains(su.Cases[1].Failure.Text, "To satisfy it:") {
		t.Errorf("junit report: %+v", report)
	}

	stdout, _, code = run(t, ci, "", "gate", "--system", "TalentMatch", "--format", "json")
	var res struct {
		Pass       bool `json:"pass"`
		Conditions []struct {
			Key string `json:"key"`
			Met bool   `json:"met"`
		} `json:"conditions"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != 1 || res.Pass || len(res.Conditions) != 6 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, stdout)
	}

	if stdout, _, code = run(t, ci, "", "gate", "--system", "TalentMatch", "--stage", "inception"); code != 0 ||
		!strings.Contains(stdout, "release gate OPEN") || !strings.Contains(stdout, "no conditions") {
		t.Errorf("a stage with no conditions: exit %d\n%s", code, stdout)
	}

	// The manager sets a policy the system meets: the pipeline goes through.
	stdout, stderr, code = run(t, env, "", "gate", "policy", "show", "--org", "acme")
	if code != 0 || !strings.Contains(stdout, `"soa_approved"`) {
		t.Fatalf("policy show: exit %d\n%s%s", code, stdout, stderr)
	}
	if err := os.WriteFile(policy, []byte(`{"version": 0, "stages": [{"stage": "deployment", "require": ["classification", "wishes"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code = run(t, env, "", "gate", "policy", "set", "--org", "acme", "--as", "maya@example.com", "--file", policy); code != 1 ||
		!strings.Contains(stderr, "stages[0].require[1]: Unknown condition \"wishes\"") {
		t.Errorf("a bad policy: exit %d, %s", code, stderr)
	}
	if err := os.WriteFile(policy, []byte(`{"version": 0, "stages": [{"stage": "deployment", "require": ["classification"]},
		{"stage": "verification_and_validation", "require": ["classification"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code = run(t, env, "", "gate", "policy", "set", "--org", "acme", "--as", "maya@example.com", "--file", policy); code != 0 ||
		!strings.Contains(stderr, "saved version 1 of the release gate policy") {
		t.Fatalf("policy set: exit %d, %s", code, stderr)
	}
	if stdout, stderr, code = run(t, ci, "", "gate", "--system", "TalentMatch", "--stage", "deployment"); code != 0 ||
		!strings.Contains(stdout, "release gate OPEN: TalentMatch -> deployment (policy version 1)") {
		t.Errorf("after the policy: exit %d\n%s%s", code, stdout, stderr)
	}
	if stdout, _, code = run(t, env, "", "gate", "--org", "acme", "--system", "TalentMatch"); code != 0 || !strings.Contains(stdout, "OPEN") {
		t.Errorf("on this machine's data: exit %d\n%s", code, stdout)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"gate", "--system", "Nobody"}, "the server answered 404: No AI system is named \"Nobody\""},
		{[]string{"gate", "--system", "TalentMatch", "--stage", "launch"}, "the server answered 400: Unknown life-cycle stage \"launch\""},
		{[]string{"gate", "--system", "TalentMatch", "--format", "xml"}, "--format must be text, json or junit"},
		{[]string{"gate"}, "--system is required"},
		{[]string{"gate", "--system", "TalentMatch", "--org", "acme"}, "either --server"},
	} {
		if _, stderr, code := run(t, ci, "", tc.args...); code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}

	// Readiness, from the same pipeline and on this machine's data.
	stdout, stderr, code = run(t, ci, "", "readiness", "--gaps", "3")
	if code != 0 || !strings.Contains(stdout, "readiness: 0 of ") || !strings.Contains(stdout, "4 Context") ||
		!strings.Contains(stdout, "A.6 AI system life cycle") || !strings.Contains(stdout, "NIST AI RMF") ||
		!strings.Contains(stdout, "first 3 of ") || !strings.Contains(stdout, "Name a member who answers for 4.1") {
		t.Errorf("readiness: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, stderr, code = run(t, ci, "", "readiness", "--min-percent", "50"); code != 1 || !strings.Contains(stderr, "readiness is 0%, under the 50% asked for") {
		t.Errorf("readiness under the share asked for: exit %d, %s", code, stderr)
	}
	stdout, _, code = run(t, ci, "", "readiness", "systems", "--limit", "1")
	if code != 0 || !strings.Contains(stdout, "Chat") || !strings.Contains(stdout, "verification_and_validation") ||
		!strings.Contains(stdout, "closed  0 of 1  EU AI Act classification") || strings.Contains(stdout, "TalentMatch") || !strings.Contains(stdout, "more: aims readiness systems --server") {
		t.Fatalf("readiness systems: exit %d\n%s", code, stdout)
	}
	cursor := stdout[strings.LastIndex(stdout, "--cursor ")+len("--cursor "):]
	if stdout, _, code = run(t, env, "", "readiness", "systems", "--org", "acme", "--limit", "1", "--cursor", strings.TrimSpace(cursor)); code != 0 ||
		!strings.Contains(stdout, "TalentMatch") || !strings.Contains(stdout, "open   1 of 1") || strings.Contains(stdout, "more:") {
		t.Errorf("the next page, on this machine's data: exit %d\n%s", code, stdout)
	}
	var page struct {
		Items []struct {
			Name       string `json:"name"`
			Conditions int    `json:"conditions"`
		} `json:"items"`
	}
	if stdout, _, code = run(t, env, "", "readiness", "systems", "--org", "acme", "--format", "json"); code != 0 || json.Unmarshal([]byte(stdout), &page) != nil ||
		len(page.Items) != 2 || page.Items[0].Conditions != 1 || page.Items[1].Conditions != 1 {
		t.Errorf("readiness systems as JSON: exit %d\n%s", code, stdout)
	}
	// Mapped frameworks, requirement by requirement, from the server and on this machine's data.
	stdout, stderr, code = run(t, ci, "", "readiness", "mapped", "--framework", "nist-ai-rmf-1.0", "--limit", "5")
	if code != 0 || !strings.Contains(stdout, "NIST AI RMF 1.0: 0 of 72 requirements ready (0%) through the crosswalks") ||
		!strings.Contains(stdout, "GOVERN 1.1") || !strings.Contains(stdout, "Name a member who answers for 4.1") || strings.Contains(stdout, "GOVERN 1.6") ||
		!regexp.MustCompile(`more: aims readiness mapped --server http://\S+ --framework nist-ai-rmf-1.0 --cursor \S+`).MatchString(stdout) {
		t.Errorf("readiness mapped: exit %d\n%s%s", code, stdout, stderr)
	}
	cursor = stdout[strings.LastIndex(stdout, "--cursor ")+len("--cursor "):]
	if stdout, stderr, code = run(t, env, "", "readiness", "mapped", "--org", "acme", "--framework", "nist-ai-rmf-1.0", "--limit", "5", "--cursor", strings.TrimSpace(cursor)); code != 0 ||
		!strings.Contains(stdout, "GOVERN 1.6") || strings.Contains(stdout, "GOVERN 1.1 ") {
		t.Errorf("the next page of readiness mapped, on this machine's data: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"readiness", "mapped"}, "--framework is required: nist-ai-rmf-1.0 or eu-ai-act"},
		{[]string{"readiness", "mapped", "--framework", "iso42001-2023"}, "the server answered 400: Readiness through the crosswalks is kept for"},
		{[]string{"readiness", "--min-percent", "101"}, "--min-percent must be between 0 and 100"},
		{[]string{"readiness", "--format", "xml"}, "--format must be text or json"},
		{[]string{"readiness", "systems", "--limit", "0"}, "--limit must be between 1 and"},
		{[]string{"readiness", "systems", "--cursor", "nonsense"}, "the server answered 400"},
		{[]string{"readiness", "--org", "acme"}, "either --server"},
	} {
		if _, stderr, code := run(t, ci, "", tc.args...); code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
