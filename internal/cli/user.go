package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/config"
)

// operator is the actor of commands run at the command line against the store.
func operator(ctx context.Context) context.Context {
	return aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "cli", Name: "aims command line"})
}

func runUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError("usage: aims user create --email E --org SLUG --role ROLE [--name NAME]")
	}
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "user create", "user create --email E --org SLUG --role ROLE [--name NAME] (password from stdin or AIMS_PASSWORD)")
	c.StoreFlags(fs)
	email := fs.String("email", "", "the user's email address (required)")
	org := fs.String("org", "", "organization slug; created if it does not exist (required)")
	orgName := fs.String("org-name", "", "display name for a new organization (default: the slug)")
	role := fs.String("role", "", "role in the organization: owner, admin, manager, contributor, auditor or viewer (required)")
	name := fs.String("name", "", "the user's display name (default: the email)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := required("email", *email, "org", *org, "role", *role); err != nil {
		return err
	}
	r, err := aims.ParseRole(*role, "role")
	if err != nil {
		return err
	}
	db, err := openStore(ctx, &c, false, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = operator(ctx)
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	accts := sv.Accounts

	// Validate everything before writing anything, so that a bad password or email leaves no new
	// organization behind.
	norm, err := account.NormalizeEmail(*email, "email")
	if err != nil {
		return err
	}
	if err := account.ValidateSlug(*org, "org"); err != nil {
		return err
	}
	u, err := db.UserByEmail(ctx, norm)
	password := ""
	switch {
	case aims.ErrorCode(err) == aims.ENOTFOUND:
		if password, err = readPassword(env); err != nil {
			return err
		}
		u = nil
	case err != nil:
		return err
	}
	o, err := db.OrganizationBySlug(ctx, *org)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		n := *orgName
		if n == "" {
			n = *org
		}
		if o, err = accts.CreateOrganization(ctx, *org, n); err != nil {
			return fieldAsFlag(err, "name", "org-name", "slug", "org")
		}
		fmt.Fprintf(env.Stderr, "created organization %s\n", o.Slug)
	} else if err != nil {
		return err
	}
	if u == nil {
		if u, err = accts.CreateUser(ctx, norm, *name, password); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "created user %s\n", u.Email)
	} else {
		fmt.Fprintf(env.Stderr, "user %s exists already; adding the membership\n", u.Email)
	}
	m, err := accts.AddMember(ctx, o.ID, u.Email, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "%s is %s of %s\n", u.Email, m.Role, o.Slug)
	fmt.Fprintln(env.Stdout, u.ID)
	return nil
}

// readPassword takes the password from AIMS_PASSWORD (or AIMS_PASSWORD_FILE), or else the first line of
// standard input.
func readPassword(env *Env) (string, error) {
	p, err := config.Secret(env.Getenv, "AIMS_PASSWORD")
	if err != nil {
		return "", usageError("%s", err)
	}
	if p == "" && env.Stdin != nil {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", usageError("a password is required: set AIMS_PASSWORD or write it to standard input")
		}
		p = strings.TrimRight(line, "\r\n")
	}
	if p == "" {
		return "", usageError("a password is required: set AIMS_PASSWORD or write it to standard input")
	}
	if err := account.ValidatePassword(p, "password"); err != nil {
		return "", usageError("password: %s", aims.ErrorMessage(err))
	}
	return p, nil
}

// fieldAsFlag renames the field of a validation error to the flag the user typed.
func fieldAsFlag(err error, pairs ...string) error {
	f := aims.ErrorField(err)
	for i := 0; i+1 < len(pairs); i += 2 {
		if f == pairs[i] {
			return &aims.Error{Code: aims.ErrorCode(err), Message: aims.ErrorMessage(err), Field: pairs[i+1]}
		}
	}
	return err
}
