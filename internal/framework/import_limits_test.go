package framework_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// requirementsCSV is a CSV framework of n requirements.
func requirementsCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("ref,title\n")
	for i := range n {
		fmt.Fprintf(&b, "R-%d,Requirement %d\n", i, i)
	}
	return []byte(b.String())
}

func TestAFrameworkOfMoreRequirementsThanTheLimitIsRefusedAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	over := requirementsCSV(framework.MaxImportRequirements + 1)
	_, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: "big", Data: over})
	if aims.ErrorCode(err) != aims.ETOOLARGE || !strings.Contains(aims.ErrorMessage(err), fmt.Sprintf("more than %d rows", framework.MaxImportRequirements)) {
		t.Fatalf("error %v, want ETOOLARGE naming the limit", err)
	}
	if _, err := f.svc.Framework(f.ctx, f.org.ID, "big"); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("the refused framework is there: %v", err)
	}
	_, err = f.svc.ImportLicensedTexts(f.ctx, framework.LicensedImport{OrgID: f.org.ID,
		Data: []byte("framework,ref,text\n" + strings.Repeat("iso42001,A.2.2,x\n", framework.MaxImportRequirements+1))})
	if aims.ErrorCode(err) != aims.ETOOLARGE {
		t.Fatalf("licensed texts over the limit: %v", err)
	}
	// As many as the limit import; how long the transaction takes is logged (go test -v).
	start := time.Now()
	fw, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: "big", Data: requirementsCSV(framework.MaxImportRequirements)})
	if err != nil || fw.Requirements != framework.MaxImportRequirements {
		t.Fatalf("at the limit: %v, %v", fw, err)
	}
	t.Logf("%d requirements imported in %v", fw.Requirements, time.Since(start))
}
