package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/cli"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/euact"
)

// TestSystemObligationsSayWhenTheDatesAreSuperseded: an organization that plans against the published
// dates (as those older than migration 0026 do) is told by aims system obligations that they are
// superseded, in text and in JSON.
func TestSystemObligationsSayWhenTheDatesAreSuperseded(t *testing.T) {
	t.Parallel()
	opts := storetest.Options(t)
	db := storetest.OpenWith(t, opts)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	org, err := account.NewService(db, db.Now).CreateOrganization(ctx, "acme", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	ctl := control.NewService(db, storetest.Catalog(t), db.Now)
	if _, err := ctl.UpdateProfile(ctx, org.ID, control.ProfileUpdate{AIRoles: []string{}, EURoles: []string{"deployer"},
		EUDates: control.DatesPublished}, 0); err != nil {
		t.Fatal(err)
	}
	svc := system.NewService(db)
	s, err := svc.Create(ctx, org.ID, system.Fields{Name: "Helpdesk", Purpose: "Sorts tickets.", EURole: "deployer"})
	if err != nil {
		t.Fatal(err)
	}
	// Every question that applies is answered with no, or its first option: what matters here is only
	// that the system has a class.
	answers := map[string]string{}
	for _, q := range euact.Questions().Questions {
		if !q.Applies(answers) {
			continue
		}
		if q.Type == euact.YesNo {
			answers[q.Key] = euact.No
		} else if len(q.Options) > 0 {
			answers[q.Key] = q.Options[0].Value
		}
	}
	if _, err := svc.Classify(ctx, org.ID, s.ID, system.ClassificationInput{Answers: answers}, 0); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AIMS_DATA": opts.DataDir, "AIMS_DATABASE_URL": opts.URL}
	run := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		err := cli.Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
		if code := cli.ExitCode(err, &errOut); code != 0 {
			t.Fatalf("aims %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
		}
		return out.String()
	}
	if out := run("system", "obligations", "--org", "acme", "--system", "Helpdesk"); !strings.Contains(out,
		"dates published (superseded: the amended dates are in force") {
		t.Errorf("the text output does not say the dates are superseded:\n%s", out)
	}
	if out := run("system", "obligations", "--org", "acme", "--system", "Helpdesk", "--format", "json"); !strings.Contains(out,
		`"date_set_in_force": false`) {
		t.Errorf("the JSON output does not say the dates are not in force:\n%s", out)
	}
}
