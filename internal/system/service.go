package system

import (
	"context"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// Service applies the rules of the AI system inventory over a Store. Callers are authorized already (by
// the API's and UI's route tables); the service checks the input: the fields of a system, that an owner is
// a member, and that every change says why (ISO/IEC 42001, 6.3).
type Service struct {
	store Store
	// ImportMaxRows bounds the systems of one inventory import, CSV or JSON (import_max_rows); 0 means
	// DefaultImportMaxRows. See ImportRowLimit.
	ImportMaxRows int
	// ImportProgress, when set, is told how many of the systems of a bulk import (Import, ImportCSV,
	// ImportChecked) are stored, now and then while they are: a progress bar for tens of thousands.
	ImportProgress func(stored, total int)
	// Links applies the delete rules of the links of a record being deleted; app.NewServices sets it to
	// the record service, and a Service without it refuses to delete.
	Links LinkRules
	// Watch is told, in the transaction of a change, of a material change of a system (its purpose, its
	// intended use, its move to deployment, its EU AI Act classification); app.NewServices sets it to the
	// impact service, whose approved assessment of the system then goes stale. nil tells no one.
	Watch Watcher
}

// Watcher is told of a material change of a system, in the transaction that makes it: what an
// assessment of the system rests on. reason says what changed, in a sentence.
type Watcher interface {
	SystemChanged(ctx context.Context, orgID, systemID, reason string) error
}

// changed tells s.Watch, if any, of a material change of orgID's system id.
func (s *Service) changed(ctx context.Context, orgID, id, reason string) error {
	if s.Watch == nil {
		return nil
	}
	return s.Watch.SystemChanged(ctx, orgID, id, reason)
}

// materialChanges says, in sentences, what changed between before and after that an impact assessment
// rests on: the purpose, the intended use, a move to deployment.
func materialChanges(before, after Fields) string {
	var out []string
	if before.Purpose != after.Purpose {
		out = append(out, "its purpose changed")
	}
	if before.IntendedUse != after.IntendedUse {
		out = append(out, "its intended use changed")
	}
	if before.Stage != after.Stage && after.Stage == "deployment" {
		out = append(out, "it moved to deployment")
	}
	if len(out) == 0 {
		return ""
	}
	s := strings.Join(out, ", ")
	return "The AI system changed: " + s + "."
}

// LinkRules are the delete rules a system's deletion applies: its links' and the register's.
type LinkRules = record.DeleteRules

// NewService returns a Service over st.
func NewService(st Store) *Service { return &Service{store: st} }

// Create validates f and stores a new system of orgID; EINVALID names the field at fault.
func (s *Service) Create(ctx context.Context, orgID string, f Fields) (*System, error) {
	ss, err := s.Import(ctx, orgID, []Fields{f})
	if err != nil {
		return nil, err
	}
	return ss[0], nil
}

// Import validates every one of fs and stores them all, or none when one is at fault: its error is an
// *ImportError with its index.
func (s *Service) Import(ctx context.Context, orgID string, fs []Fields) ([]*System, error) {
	ss := make([]*System, len(fs))
	for i := range fs {
		ss[i] = &System{OrgID: orgID}
		if err := fs[i].apply(ss[i]); err != nil {
			return nil, &ImportError{Index: i, Err: err}
		}
	}
	if len(ss) == 0 {
		return ss, nil
	}
	var progress func(int)
	if s.ImportProgress != nil {
		progress = func(n int) { s.ImportProgress(n, len(ss)) }
	}
	// The owners are checked in the transaction that stores the systems: one removed from the
	// organization meanwhile cannot slip in.
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		owners := ownerCheck{}
		for i := range ss {
			if err := s.checkOwner(ctx, orgID, ss[i].OwnerID, owners); err != nil {
				return &ImportError{Index: i, Err: err}
			}
		}
		return s.store.CreateSystems(ctx, ss, "Created.", progress)
	})
	if err != nil {
		return nil, err
	}
	return ss, nil
}

// ownerCheck remembers the verdict on each owner of a bulk import: a large import names few people.
type ownerCheck map[string]error

// checkOwner refuses, as EINVALID on owner_id, an owner (if any) who is not a member of orgID or whose role
// may not change AI systems (an auditor or a viewer).
func (s *Service) checkOwner(ctx context.Context, orgID, userID string, seen ownerCheck) error {
	if userID == "" {
		return nil
	}
	if err, ok := seen[userID]; ok {
		return err
	}
	m, err := s.store.MembershipOf(ctx, orgID, userID)
	switch {
	case aims.ErrorCode(err) == aims.ENOTFOUND:
		err = aims.OwnerError("owner_id", "", aims.ResSystem)
	case err != nil:
		return err
	case !aims.MayOwn(m.Role, aims.ResSystem):
		err = aims.OwnerError("owner_id", m.Role, aims.ResSystem)
	}
	seen[userID] = err
	return err
}

// ImportError is the fault of one item of an import, which therefore stored nothing.
type ImportError struct {
	Index int
	Err   error
}

func (e *ImportError) Error() string { return e.Err.Error() }

// Unwrap returns the item's own error, whose code and field stand for the import's.
func (e *ImportError) Unwrap() error { return e.Err }

// Update replaces the fields of system id if its version is ifVersion (0: any). reason says why (6.3) and
// is required; EINVALID on reason without it.
func (s *Service) Update(ctx context.Context, orgID, id string, f Fields, ifVersion int64, reason string) (*System, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, aims.FieldError("reason", "Say briefly why the AI system changes: the history keeps it (ISO/IEC 42001, 6.3).")
	}
	if err := checkText(reason, "reason", 1000, true); err != nil {
		return nil, err
	}
	var cur *System
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		var err error
		if cur, err = s.store.SystemByID(ctx, orgID, id); err != nil {
			return err
		}
		owner, before := cur.OwnerID, cur.Fields
		if err := f.apply(cur); err != nil {
			return err
		}
		// An owner who has left, or whose role has changed since, stays until someone picks another.
		if cur.OwnerID != owner {
			if err := s.checkOwner(ctx, orgID, cur.OwnerID, ownerCheck{}); err != nil {
				return err
			}
		}
		if err := s.store.UpdateSystem(ctx, cur, ifVersion, reason); err != nil {
			return err
		}
		if what := materialChanges(before, cur.Fields); what != "" {
			return s.changed(ctx, orgID, id, what)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return cur, nil
}

// Delete removes system id with its history (the activity trail keeps the record), and its links by their
// rules: ECONFLICT when a link to it refuses the delete.
func (s *Service) Delete(ctx context.Context, orgID, id string) error {
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		if _, err := s.store.SystemByID(ctx, orgID, id); err != nil {
			return err
		}
		if err := record.ApplyDeleteRules(ctx, s.Links, orgID, record.Ref{Type: record.TypeSystem, ID: id}); err != nil {
			return err
		}
		return s.store.DeleteSystem(ctx, orgID, id)
	})
}

// System returns orgID's system id.
func (s *Service) System(ctx context.Context, orgID, id string) (*System, error) {
	return s.store.SystemByID(ctx, orgID, id)
}

// List returns a page of orgID's systems matching f; EINVALID for an unknown filter value.
func (s *Service) List(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*System, string, error) {
	if err := f.check(); err != nil {
		return nil, "", err
	}
	return s.store.ListSystems(ctx, orgID, f, p)
}

// History returns the changes of system id, newest first.
func (s *Service) History(ctx context.Context, orgID, id string) ([]*Change, error) {
	return s.store.SystemChanges(ctx, orgID, id)
}
