package cli_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/cli"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/soaexport"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestSoAExportOfAnApprovedVersion exports version 1 of an approved SoA to a file and to stdout, and
// refuses to write a binary format to a terminal.
func TestSoAExportOfAnApprovedVersion(t *testing.T) {
	t.Parallel()
	opts := storetest.Options(t)
	db := storetest.OpenWith(t, opts)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "Test approver"})
	accts := account.NewService(db, db.Now)
	org, err := accts.CreateOrganization(ctx, "lumen", "Lumen Labs")
	if err != nil {
		t.Fatal(err)
	}
	ctl := control.NewService(db, storetest.Catalog(t), db.Now)
	if _, err := ctl.UpdateProfile(ctx, org.ID, control.ProfileUpdate{AIRoles: []string{"ai_customer"}, EUDates: control.DatesPublished}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := ctl.ApplyProposals(ctx, org.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ctl.Approve(ctx, org.ID, "first"); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AIMS_DATA": opts.DataDir, "AIMS_DATABASE_URL": opts.URL}
	// run runs aims with args, writing its output to stdout (nil: a buffer, whose text it returns).
	run := func(stdout io.Writer, args ...string) (string, string, int) {
		t.Helper()
		var out, errOut bytes.Buffer
		if stdout == nil {
			stdout = &out
		}
		err := cli.Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), stdout, &errOut)
		code := cli.ExitCode(err, &errOut)
		return out.String(), errOut.String(), code
	}

	file := filepath.Join(t.TempDir(), "soa-v1.xlsx")
	if _, stderr, code := run(nil, "soa", "export", "--org", "lumen", "--format", "xlsx", "--version", "1", "--out", file); code != 0 {
		t.Fatalf("export to a file: exit %d: %s", code, stderr)
	}
	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatalf("the file is not a workbook: %v", err)
	}
	rows, _ := x.GetRows(soaexport.SheetSoA)
	meta, _ := x.GetRows(soaexport.SheetChecks)
	x.Close()
	if len(rows) != 39 || !strings.Contains(flatten(meta), "Version 1, approved by Test approver") {
		t.Fatalf("%d rows; metadata %q", len(rows), meta)
	}
	stdout, _, code := run(nil, "soa", "show", "--org", "lumen", "--version", "1")
	if code != 1 || !strings.Contains(stdout, "Statement of Applicability of Lumen Labs: v1") || !strings.Contains(stdout, "38 controls: 26 applicable") {
		t.Fatalf("show version 1: exit %d\n%s", code, stdout)
	}

	// /dev/null is a character device, as a terminal is: a binary format is refused there.
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/null")
	}
	defer devnull.Close()
	if _, stderr, code := run(devnull, "soa", "export", "--org", "lumen", "--format", "pdf"); code != 2 || !strings.Contains(stderr, "binary format") {
		t.Fatalf("a PDF to a terminal: exit %d: %s", code, stderr)
	}
	if _, stderr, code := run(devnull, "soa", "export", "--org", "lumen", "--format", "csv"); code != 0 {
		t.Fatalf("a CSV to a terminal: exit %d: %s", code, stderr)
	}
}

func flatten(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, " ") + "\n")
	}
	return b.String()
}
