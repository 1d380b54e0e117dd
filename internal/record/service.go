package record

import (
	"context"
	"errors"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/notify"
)

// MaxNote bounds a link's note.
const MaxNote = 1000

// Store is what the record service needs from storage. Every method is scoped to one organization: a
// record of another organization is ENOTFOUND, never seen.
type Store interface {
	aims.Transactor
	// ResolveRecords returns the end of each ref that names a record of orgID (a control also by
	// KEY/REF), keyed by the ref as given; refs naming no record are absent.
	ResolveRecords(ctx context.Context, orgID string, refs []Ref) (map[Ref]End, error)
	// CreateLink stores l, setting its id and time, with its activity entry; ECONFLICT when the same link
	// exists.
	CreateLink(ctx context.Context, l *Link) error
	// LinkByID returns orgID's link id with its ends' titles, or ENOTFOUND.
	LinkByID(ctx context.Context, orgID, id string) (*Link, error)
	// DeleteLinks deletes orgID's links with ids, with an activity entry each.
	DeleteLinks(ctx context.Context, orgID string, ids []string) error
	// ListLinks returns a page of orgID's links matching f, newest first, with their ends' titles.
	ListLinks(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Link, string, error)
	// LinksTouching returns up to limit of orgID's links with an end among refs, of any relationship.
	LinksTouching(ctx context.Context, orgID string, refs []Ref, limit int) ([]*Link, error)

	// MembersByHandle returns up to three members of orgID whose email address is handle, or starts
	// with handle followed by @ (case-insensitive).
	MembersByHandle(ctx context.Context, orgID, handle string) ([]Member, error)
	// MemberByUserID returns orgID's member userID, or ENOTFOUND.
	MemberByUserID(ctx context.Context, orgID, userID string) (*Member, error)
	// CreateComment stores c, setting its id, version and time, with its activity entry.
	CreateComment(ctx context.Context, c *Comment) error
	// CommentByID returns orgID's comment id with its record's title, or ENOTFOUND.
	CommentByID(ctx context.Context, orgID, id string) (*Comment, error)
	// UpdateComment stores c's body, mentions and resolution if its version is ifVersion (EPRECONDITION
	// otherwise), raising the version, with its activity entry.
	UpdateComment(ctx context.Context, c *Comment, ifVersion int64) error
	// ListComments returns a page of orgID's comments matching f: oldest first for one record or thread,
	// newest first otherwise.
	ListComments(ctx context.Context, orgID string, f CommentFilter, p aims.Page) ([]*Comment, string, error)
	// CountComments returns how many of orgID's comments f selects, counting no further than max+1.
	CountComments(ctx context.Context, orgID string, f CommentFilter, max int) (int, error)
	// DeleteRecordComments deletes the comments of refs (their activity entries stay).
	DeleteRecordComments(ctx context.Context, orgID string, refs []Ref) error

	// CreateTask stores t, setting its id, version and times, with its activity entry.
	CreateTask(ctx context.Context, t *Task) error
	// TaskByID returns orgID's task id with its record's title, or ENOTFOUND.
	TaskByID(ctx context.Context, orgID, id string) (*Task, error)
	// UpdateTask stores t if its version is ifVersion (EPRECONDITION otherwise), with its activity entry.
	UpdateTask(ctx context.Context, t *Task, ifVersion int64) error
	// ListTasks returns a page of orgID's tasks matching f, by due date (overdue first, undated last).
	ListTasks(ctx context.Context, orgID string, f TaskFilter, p aims.Page) ([]*Task, string, error)
	// CountTasks returns how many of orgID's tasks f selects, counting no further than max+1.
	CountTasks(ctx context.Context, orgID string, f TaskFilter, max int) (int, error)
	// DeleteRecordTasks deletes the tasks of refs (their activity entries stay).
	DeleteRecordTasks(ctx context.Context, orgID string, refs []Ref) error
}

// Service applies the rules of links, comments and tasks. Callers are authorized already (by the route
// tables); the service checks the rules that depend on the record and the actor: who may resolve a
// thread, who may change a comment and until when.
type Service struct {
	store Store
	md    *markdown
	// Now is the clock of the edit window; NewService sets it to aims.Now.
	Now aims.Clock
	// Events, when set, is told of each link, comment and task in the transaction that makes it, so that
	// webhooks and e-mails go out exactly when the change is stored (app.NewServices sets it).
	Events Publisher
	// LinkHooks are told of each link made or removed, in the transaction that makes or removes it; an
	// error undoes the change. The risk service voids the acceptance of a risk whose treatment changes.
	LinkHooks []LinkHook
}

// LinkHook is told of a link made (created) or removed.
type LinkHook interface {
	LinkChanged(ctx context.Context, orgID string, l *Link, created bool) error
}

func (s *Service) linkChanged(ctx context.Context, orgID string, l *Link, created bool) error {
	for _, h := range s.LinkHooks {
		if err := h.LinkChanged(ctx, orgID, l, created); err != nil {
			return err
		}
	}
	return nil
}

// Publisher queues the messages of an event; notify.Service implements it.
type Publisher interface {
	Publish(ctx context.Context, orgID string, e notify.Event) error
}

func (s *Service) publish(ctx context.Context, orgID string, e notify.Event) error {
	if s.Events == nil {
		return nil
	}
	return s.Events.Publish(ctx, orgID, e)
}

// NewService returns a Service over st.
func NewService(st Store) *Service { return &Service{store: st, md: newMarkdown(), Now: aims.Now} }

// Link creates a link from n.From to n.To. Both must be records of orgID (ENOTFOUND otherwise, as for
// records that do not exist), the relationship must allow their types (EINVALID), a record does not link
// to itself (EINVALID), and the same link twice is ECONFLICT.
func (s *Service) Link(ctx context.Context, orgID string, n NewLink) (*Link, error) {
	rule := RuleOf(Relationship(strings.TrimSpace(n.Relationship)))
	if rule == nil {
		return nil, aims.FieldError("relationship", "Unknown relationship %q: %s.", clip(n.Relationship), relationshipList())
	}
	from, err := ParseRef(n.From, "from")
	if err != nil {
		return nil, err
	}
	to, err := ParseRef(n.To, "to")
	if err != nil {
		return nil, err
	}
	note := strings.TrimSpace(n.Note)
	if err := aims.CheckText(note, "note", MaxNote, true); err != nil {
		return nil, err
	}
	if !rule.FromAllows(from.Type) {
		return nil, aims.FieldError("from", "A link that %s starts at: %s; not at a %s.", rule.Label, typeNames(rule.From), strings.ToLower(from.Type.Label()))
	}
	if !rule.ToAllows(to.Type) {
		return nil, aims.FieldError("to", "A link that %s ends at: %s; not at a %s.", rule.Label, typeNames(rule.To), strings.ToLower(to.Type.Label()))
	}
	a := aims.ActorFrom(ctx)
	l := &Link{OrgID: orgID, Relationship: rule.Relationship, Note: note, CreatedBy: a.Name, CreatedByID: a.ID}
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		ends, err := s.store.ResolveRecords(ctx, orgID, []Ref{from, to})
		if err != nil {
			return err
		}
		var ok bool
		if l.From, ok = ends[from]; !ok {
			return notFound(from)
		}
		if l.To, ok = ends[to]; !ok {
			return notFound(to)
		}
		if l.From.Ref() == l.To.Ref() {
			return aims.FieldError("to", "A record does not link to itself.")
		}
		err = s.store.CreateLink(ctx, l)
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return aims.Errorf(aims.ECONFLICT, "%s %s %s already.", l.From.Name(), rule.Label, l.To.Name())
		}
		if err != nil {
			return err
		}
		if err := s.linkChanged(ctx, orgID, l, true); err != nil {
			return err
		}
		return s.publish(ctx, orgID, notify.Event{Type: notify.EventLinkCreated, Data: l})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func notFound(r Ref) error {
	return aims.Errorf(aims.ENOTFOUND, "No %s %q in this organization.", strings.ToLower(r.Type.Label()), clip(r.ID))
}

// Unlink deletes orgID's link id; ENOTFOUND when there is none.
func (s *Service) Unlink(ctx context.Context, orgID, id string) error {
	if !aims.ValidID(id) {
		return aims.Errorf(aims.ENOTFOUND, "No such link.")
	}
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		l, err := s.store.LinkByID(ctx, orgID, id)
		if err != nil {
			return err
		}
		if err := s.store.DeleteLinks(ctx, orgID, []string{id}); err != nil {
			return err
		}
		return s.linkChanged(ctx, orgID, l, false)
	})
}

// Get returns orgID's link id, or ENOTFOUND.
func (s *Service) Get(ctx context.Context, orgID, id string) (*Link, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such link.")
	}
	return s.store.LinkByID(ctx, orgID, id)
}

// Resolve returns the end r names in orgID, or ENOTFOUND.
func (s *Service) Resolve(ctx context.Context, orgID string, r Ref) (End, error) {
	ends, err := s.store.ResolveRecords(ctx, orgID, []Ref{r})
	if err != nil {
		return End{}, err
	}
	e, ok := ends[r]
	if !ok {
		return End{}, notFound(r)
	}
	return e, nil
}

// List returns a page of orgID's links matching f, newest first. The record f names must exist in orgID
// (ENOTFOUND otherwise), so that a page of another organization's record is never empty but absent.
func (s *Service) List(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Link, string, error) {
	if err := f.check(); err != nil {
		return nil, "", err
	}
	for _, r := range []**Ref{&f.From, &f.To, &f.Record} {
		if *r == nil {
			continue
		}
		e, err := s.Resolve(ctx, orgID, **r)
		if err != nil {
			return nil, "", err
		}
		canon := e.Ref()
		*r = &canon
	}
	return s.store.ListLinks(ctx, orgID, f, p)
}

// Deleting applies the delete rules to the links of refs, records of orgID about to be deleted: a link to
// one of them whose relationship refuses it makes the whole delete ECONFLICT, naming the record that rests
// on it; every other link with an end among refs is removed, and so are the records' comments and tasks. Services that delete records call it inside
// the transaction that deletes them.
func (s *Service) Deleting(ctx context.Context, orgID string, refs ...Ref) error {
	if len(refs) == 0 {
		return nil
	}
	return s.store.Atomically(ctx, func(ctx context.Context) error { return s.deleting(ctx, orgID, refs) })
}

func (s *Service) deleting(ctx context.Context, orgID string, refs []Ref) error {
	gone := make(map[Ref]bool, len(refs))
	for _, r := range refs {
		gone[r] = true
	}
	for {
		ls, err := s.store.LinksTouching(ctx, orgID, refs, 500)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(ls))
		for _, l := range ls {
			rule := RuleOf(l.Relationship)
			if gone[l.To.Ref()] && !gone[l.From.Ref()] && rule != nil && rule.OnDeleteTo == Refuse {
				return aims.Errorf(aims.ECONFLICT, "%s %s %s; remove that link first.", l.From.Name(), rule.Label, l.To.Name())
			}
			ids = append(ids, l.ID)
		}
		if len(ids) > 0 {
			if err := s.store.DeleteLinks(ctx, orgID, ids); err != nil {
				return err
			}
		}
		if len(ls) < 500 {
			if err := s.store.DeleteRecordTasks(ctx, orgID, refs); err != nil {
				return err
			}
			return s.store.DeleteRecordComments(ctx, orgID, refs)
		}
	}
}

// DeleteRules keep other records whole while records are deleted, inside the transaction that deletes
// them: the links' delete rules (this Service) and refusals of other capabilities (a system that risks
// are of). app.NewServices gives each service that deletes records the rules it needs.
type DeleteRules interface {
	Deleting(ctx context.Context, orgID string, refs ...Ref) error
}

// ApplyDeleteRules applies rules to refs; a service built without them (not by app.NewServices) refuses
// to delete rather than leave links to nothing.
func ApplyDeleteRules(ctx context.Context, rules DeleteRules, orgID string, refs ...Ref) error {
	if rules == nil {
		return errors.New("record: no delete rules wired; build the service with app.NewServices")
	}
	return rules.Deleting(ctx, orgID, refs...)
}
