package euact_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system/euact"
)

// FuzzDecide feeds arbitrary answer objects to Decide: it never panics, refuses only with EINVALID, and
// whatever it accepts has a known class, only answers to questions that apply, and none missing.
func FuzzDecide(f *testing.F) {
	f.Add(`{"scope_military":"yes"}`, "", "")
	f.Add(`{"annex_iii_area":"4","annex_iii_point_4":"a","profiling":"yes"}`, "minimal", "why")
	f.Add(`{"gpai":"yes","gpai_systemic":"flops","prohibited_h":"no"}`, "", "")
	f.Fuzz(func(t *testing.T, raw, class, why string) {
		var answers map[string]string
		if json.Unmarshal([]byte(raw), &answers) != nil {
			return
		}
		d, err := euact.Decide(answers, class, why)
		if err != nil {
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) == "" {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		if !slices.Contains(euact.Classes, d.Class) || !slices.Contains(euact.Classes, d.Result.Class) || len(d.Result.Reasoning) == 0 {
			t.Fatalf("decision %+v", d)
		}
		if m := euact.Missing(d.Answers); len(m) != 0 {
			t.Fatalf("accepted with %v unanswered", m)
		}
		for k := range d.Answers {
			if !euact.QuestionByKey(k).Applies(d.Answers) {
				t.Fatalf("kept the answer to %s, which does not apply", k)
			}
		}
	})
}
