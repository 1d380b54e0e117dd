// Package demo loads Lumen Labs, the demonstration organization of aims: a 120-person company that
// trains and sells a large language model through an API and prepares for ISO/IEC 42001 certification.
// Each capability of aims adds its part of the story here.
package demo

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// OrgSlug is the demo organization's slug.
const OrgSlug = "lumen-labs"

// Password is every demo user's password. The demo is for trying aims out, never for real data.
const Password = "lumen-demo-2026"

// Login is a demo user to log in as.
type Login struct {
	Email       string
	Description string
}

type person struct {
	email, name, title string
	role               aims.Role
}

var people = []person{
	{"maya.okafor@lumenlabs.example", "Maya Okafor", "AIMS manager", aims.RoleOwner},
	{"daniel.reyes@lumenlabs.example", "Daniel Reyes", "CTO, top management: approves the AI policy and the SoA", aims.RoleManager},
	{"priya.nair@lumenlabs.example", "Priya Nair", "ML engineer: pushes evaluation results from CI", aims.RoleContributor},
	{"tom.becker@lumenlabs.example", "Tom Becker", "ML engineer", aims.RoleContributor},
	{"sam.osei@lumenlabs.example", "Sam Osei", "supplier manager", aims.RoleContributor},
	{"grace.liu@lumenlabs.example", "Grace Liu", "internal auditor: reads everything, changes nothing", aims.RoleAuditor},
	{"it-admin@lumenlabs.example", "Lee Park", "IT administrator: members, tokens and settings", aims.RoleAdmin},
}

// Store is what the demo needs beyond the account service.
type Store interface {
	OrganizationBySlug(ctx context.Context, slug string) (*account.Organization, error)
	UserByEmail(ctx context.Context, email string) (*account.User, error)
	CreateUser(ctx context.Context, u *account.User) error
}

// Load creates the demo organization and its people, unless it exists already, and returns the logins.
func Load(ctx context.Context, accts *account.Service, st Store) ([]Login, error) {
	ctx = aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "demo", Name: "aims demo loader"})
	logins := make([]Login, 0, len(people))
	for _, p := range people {
		logins = append(logins, Login{Email: p.email, Description: fmt.Sprintf("%s, %s (%s)", p.name, p.title, p.role)})
	}
	if _, err := st.OrganizationBySlug(ctx, OrgSlug); err == nil {
		return logins, nil
	} else if aims.ErrorCode(err) != aims.ENOTFOUND {
		return nil, err
	}
	lumen, err := accts.CreateOrganization(ctx, OrgSlug, "Lumen Labs")
	if err != nil {
		return nil, err
	}
	research, err := accts.CreateOrganization(ctx, "lumen-research", "Lumen Research (sandbox)")
	if err != nil {
		return nil, err
	}
	// Every demo user has the same password, so it is hashed once: an argon2id hash takes 64 MiB and a
	// good part of a second of CPU, and seven of them were most of the demo's load time and memory.
	var hash string
	for _, p := range people {
		if _, err := st.UserByEmail(ctx, p.email); aims.ErrorCode(err) == aims.ENOTFOUND {
			if hash == "" {
				if hash, err = accts.Passwords.Hash(ctx, Password); err != nil {
					return nil, err
				}
			}
			if err := st.CreateUser(ctx, &account.User{Email: p.email, Name: p.name, PasswordHash: hash}); err != nil {
				return nil, fmt.Errorf("cannot create demo user %s: %w", p.email, err)
			}
		} else if err != nil {
			return nil, err
		}
		if _, err := accts.AddMember(ctx, lumen.ID, p.email, p.role); err != nil {
			return nil, fmt.Errorf("cannot add demo user %s: %w", p.email, err)
		}
	}
	// The AIMS manager also runs a sandbox organization, so that switching organizations can be tried.
	if _, err := accts.AddMember(ctx, research.ID, people[0].email, aims.RoleOwner); err != nil {
		return nil, err
	}
	if _, err := accts.AddMember(ctx, research.ID, people[2].email, aims.RoleContributor); err != nil {
		return nil, err
	}
	return logins, nil
}
