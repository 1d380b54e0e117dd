package component

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component/modelcard"
)

// FuzzModelCardFillsAComponent feeds arbitrary model cards through what an import does before it stores
// anything: whatever the card holds, the component's fields come out valid or refused with EINVALID, and
// nothing panics.
func FuzzModelCardFillsAComponent(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/modelcards/*.md")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("---\nbase_model: [a, b]\nmodel-index:\n- name: x\n  results:\n  - metrics: [{type: f1, value: 1}]\n---\n# T\n## Limitations\n\x01\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		card, err := modelcard.Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		d := cardData(card)
		_ = d.EvaluationSummary()
		fields := ComponentFields{Kind: "model", Name: "Fuzzed"}
		if err := fillFromCard(&fields, d, ""); err != nil {
			t.Fatalf("fillFromCard: %v", err)
		}
		var c Component
		if err := fields.apply(&c); err != nil && aims.ErrorCode(err) != aims.EINVALID {
			t.Fatalf("apply: %v", err)
		}
	})
}
