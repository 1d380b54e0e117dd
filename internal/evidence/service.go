package evidence

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// Service applies the rules of evidence over a Store and a blob store. Callers are authorized already
// (the route tables); the service checks the input, the owner, the approver and the delete rule.
type Service struct {
	store Store
	// Blobs stores the files; app.NewServices sets it.
	Blobs *Blobs
	// Links makes the links that new evidence asks for and applies the delete rules; app.NewServices
	// sets it to the record service.
	Links Linker
	// Tasks gives owners the task to renew evidence about to lapse.
	Tasks interface {
		CreateTask(ctx context.Context, orgID string, n record.NewTask) (*record.Task, error)
	}
	// ExpiryNotice is how many days before valid-until the owner gets the task (DefaultExpiryNotice).
	ExpiryNotice int
	// Now tells the date; NewService sets it to aims.Now.
	Now aims.Clock
}

// Linker is what the service needs of the record service.
type Linker interface {
	record.DeleteRules
	Link(ctx context.Context, orgID string, n record.NewLink) (*record.Link, error)
	List(ctx context.Context, orgID string, f record.Filter, p aims.Page) ([]*record.Link, string, error)
}

// NewService returns a Service over st and blobs.
func NewService(st Store, blobs *Blobs) *Service {
	return &Service{store: st, Blobs: blobs, Now: aims.Now, ExpiryNotice: DefaultExpiryNotice}
}

// Today is the date expiry is judged on.
func (s *Service) Today() string { return s.Now().UTC().Format(time.DateOnly) }

func (s *Service) judge(e *Evidence) {
	e.Expired = e.ValidUntil != "" && e.ValidUntil < s.Today()
}

// New is what a caller gives to add evidence: its kind and fields, the file of file evidence (read once,
// streamed into the blob store), whether to ask for review, and the records it evidences ("TYPE:ID").
type New struct {
	Kind string `json:"kind"`
	Fields
	// Review asks for approval by a manager: the evidence is a draft until then. Without, it is current.
	Review bool `json:"review"`
	// Evidences are the records the evidence is linked to (relationship "evidences").
	Evidences []string `json:"evidences"`
	// File and FileName are the content and name of file evidence; MediaType its type when known.
	File      io.Reader `json:"-"`
	FileName  string    `json:"-"`
	MediaType string    `json:"-"`
}

// Create adds evidence to orgID. A file is stored (streamed, hashed) before the record is written, so a
// refusal after it leaves at most an unreferenced blob, which content addressing makes harmless. EINVALID
// names the field at fault; ETOOLARGE a file over the limit; ENOTFOUND a record to evidence that does
// not exist.
func (s *Service) Create(ctx context.Context, orgID string, n New) (*Evidence, error) {
	actor := aims.ActorFrom(ctx)
	e := &Evidence{OrgID: orgID, Kind: strings.TrimSpace(n.Kind), Fields: n.Fields, CreatedBy: actor.Name}
	if e.Kind == "" {
		e.Kind = KindFile
		if n.File == nil {
			switch {
			case strings.TrimSpace(n.URL) != "":
				e.Kind = KindLink
			case strings.TrimSpace(n.Body) != "":
				e.Kind = KindRecord
			}
		}
	}
	if e.OwnerID == "" {
		e.OwnerID = actor.UserID
	}
	if strings.TrimSpace(e.Title) == "" && n.File != nil {
		e.Title = cleanName(n.FileName)
	}
	if err := s.check(e, n.File != nil); err != nil {
		return nil, err
	}
	refs, err := parseEvidences(n.Evidences)
	if err != nil {
		return nil, err
	}
	if e.Kind == KindFile {
		if e.File, err = s.putFile(ctx, n.File, n.FileName, n.MediaType); err != nil {
			return nil, err
		}
	}
	e.Status = StatusCurrent
	if n.Review {
		e.Status = StatusDraft
	}
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		if err := s.checkOwner(ctx, orgID, e); err != nil {
			return err
		}
		if err := s.store.CreateEvidence(ctx, e); err != nil {
			return err
		}
		for _, r := range refs {
			if _, err := s.Links.Link(ctx, orgID, record.NewLink{Relationship: string(record.RelEvidences), From: e.Ref().String(), To: r.String()}); err != nil {
				if aims.ErrorCode(err) == aims.ECONFLICT {
					continue // named twice
				}
				return relabel(err, "evidences")
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.judge(e)
	return e, nil
}

// putFile puts a file in the blob store and describes it.
func (s *Service) putFile(ctx context.Context, r io.Reader, name, mediaType string) (*File, error) {
	if s.Blobs == nil {
		return nil, errors.New("evidence: no blob store wired; build the service with app.NewServices")
	}
	b, err := s.Blobs.Put(ctx, r)
	if err != nil {
		return nil, err
	}
	if b.Size == 0 {
		return nil, aims.FieldError("file", "The file is empty.")
	}
	return &File{SHA256: b.SHA256, Size: b.Size, Name: cleanName(name), MediaType: mediaTypeOf(mediaType, name, b.Head)}, nil
}

// checkOwner makes sure e's owner is a member of orgID who may change evidence.
func (s *Service) checkOwner(ctx context.Context, orgID string, e *Evidence) error {
	if e.OwnerID == "" {
		return aims.FieldError("owner_id", "Name the member who owns the evidence.")
	}
	if !aims.ValidID(e.OwnerID) {
		return aims.OwnerError("owner_id", "", aims.ResEvidence)
	}
	m, err := s.store.MembershipOf(ctx, orgID, e.OwnerID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return aims.OwnerError("owner_id", "", aims.ResEvidence)
	}
	if err != nil {
		return err
	}
	if !aims.MayOwn(m.Role, aims.ResEvidence) {
		return aims.OwnerError("owner_id", m.Role, aims.ResEvidence)
	}
	e.OwnerName = m.UserName
	return nil
}

// Get returns orgID's evidence id; ENOTFOUND when there is none.
func (s *Service) Get(ctx context.Context, orgID, id string) (*Evidence, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "There is no such evidence.")
	}
	e, err := s.store.EvidenceByID(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	s.judge(e)
	return e, nil
}

// List returns a page of orgID's evidence f selects, newest first.
func (s *Service) List(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Evidence, string, error) {
	if f.Kind != "" && f.Kind != KindFile && f.Kind != KindLink && f.Kind != KindRecord {
		return nil, "", aims.FieldError("kind", "Unknown kind %q: use file, link or record.", clip(f.Kind))
	}
	if f.Status != "" && f.Status != StatusDraft && f.Status != StatusApproved && f.Status != StatusCurrent {
		return nil, "", aims.FieldError("status", "Unknown status %q: use draft, approved or current.", clip(f.Status))
	}
	if f.ExpiringBefore != "" && !validDate(f.ExpiringBefore) {
		return nil, "", aims.FieldError("expiring_before", "Give the date as YYYY-MM-DD.")
	}
	if f.System != "" && !aims.ValidID(f.System) {
		return nil, "", nil
	}
	if f.Control != "" {
		r, err := record.ParseRef("control:"+f.Control, "control")
		if err != nil {
			return nil, "", err
		}
		f.Control = r.ID
	}
	f.Today = s.Today()
	es, next, err := s.store.ListEvidence(ctx, orgID, f, p)
	if err != nil {
		return nil, "", err
	}
	for _, e := range es {
		s.judge(e)
	}
	return es, next, nil
}

// Revisions returns every revision of orgID's evidence id, newest first.
func (s *Service) Revisions(ctx context.Context, orgID, id string) ([]*Revision, error) {
	if _, err := s.Get(ctx, orgID, id); err != nil {
		return nil, err
	}
	return s.store.EvidenceRevisions(ctx, orgID, id)
}

// Update is a change of evidence: fields (the whole set, as Fields of the current evidence changed),
// and for file evidence optionally a new file.
type Update struct {
	Fields
	File      io.Reader
	FileName  string
	MediaType string
}

// Update changes orgID's evidence id if its revision is ifRev (0: any), making a new revision. A change
// of approved evidence makes it a draft again, to be reviewed anew. Nothing changed is no new revision.
// An empty owner or collection date keeps the current one.
func (s *Service) Update(ctx context.Context, orgID, id string, u Update, ifRev int64) (*Evidence, error) {
	cur, err := s.Get(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if ifRev != 0 && ifRev != cur.Rev {
		return nil, aims.Stale("the evidence", cur.Rev, ifRev)
	}
	e := *cur
	e.Fields = u.Fields
	// What a change leaves empty and cannot be empty keeps its value: the owner, the collection date.
	if strings.TrimSpace(e.OwnerID) == "" {
		e.OwnerID = cur.OwnerID
	}
	if strings.TrimSpace(e.CollectedOn) == "" {
		e.CollectedOn = cur.CollectedOn
	}
	change := "fields"
	if u.File != nil {
		if cur.Kind != KindFile {
			return nil, aims.FieldError("file", "Only file evidence takes a file.")
		}
		if err := s.check(&e, true); err != nil {
			return nil, err
		}
		f, err := s.putFile(ctx, u.File, u.FileName, u.MediaType)
		if err != nil {
			return nil, err
		}
		if f.Name == "" && cur.File != nil {
			f.Name = cur.File.Name
		}
		if cur.File == nil || f.SHA256 != cur.File.SHA256 {
			change = "new file"
		}
		e.File = f
	} else if err := s.check(&e, false); err != nil {
		return nil, err
	}
	if change == "fields" && e.Fields == cur.Fields {
		return cur, nil
	}
	if e.Status == StatusApproved {
		e.Status, e.ApprovedBy, e.ApprovedByName, e.ApprovedAt = StatusDraft, "", "", nil
	}
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		if e.OwnerID != cur.OwnerID {
			if err := s.checkOwner(ctx, orgID, &e); err != nil {
				return err
			}
		}
		return s.store.UpdateEvidence(ctx, &e, cur.Rev, change)
	})
	if err != nil {
		return nil, err
	}
	s.judge(&e)
	return &e, nil
}

// Approve records the review of orgID's draft evidence id by the acting member, who must be a manager or
// above; ECONFLICT when it is not a draft.
func (s *Service) Approve(ctx context.Context, orgID, id string, ifRev int64) (*Evidence, error) {
	actor := aims.ActorFrom(ctx)
	if actor.UserID == "" {
		return nil, aims.Errorf(aims.EFORBIDDEN, "Evidence is approved by a named person: act as a member (a manager, admin or owner).")
	}
	if actor.Role != "" {
		if err := aims.Authorize(actor.Role, aims.ActionApprove, aims.ResEvidence); err != nil {
			return nil, err
		}
	}
	var e *Evidence
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		var err error
		if e, err = s.Get(ctx, orgID, id); err != nil {
			return err
		}
		if ifRev != 0 && ifRev != e.Rev {
			return aims.Stale("the evidence", e.Rev, ifRev)
		}
		if e.Status != StatusDraft {
			return aims.Errorf(aims.ECONFLICT, "The evidence is %s, not a draft awaiting review.", e.Status)
		}
		m, err := s.store.MembershipOf(ctx, orgID, actor.UserID)
		if err != nil {
			return err
		}
		if err := aims.Authorize(m.Role, aims.ActionApprove, aims.ResEvidence); err != nil {
			return err
		}
		now := s.Now().UTC()
		rev := e.Rev
		e.Status, e.ApprovedBy, e.ApprovedByName, e.ApprovedAt = StatusApproved, actor.UserID, m.UserName, &now
		return s.store.UpdateEvidence(ctx, e, rev, "approved")
	})
	if err != nil {
		return nil, err
	}
	s.judge(e)
	return e, nil
}

// Delete deletes orgID's evidence id (if its revision is ifRev; 0: any), its links, comments and tasks.
// ECONFLICT when it evidences a control of the organization's approved Statement of Applicability: the
// approved version rests on it.
func (s *Service) Delete(ctx context.Context, orgID, id string, ifRev int64) error {
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		e, err := s.Get(ctx, orgID, id)
		if err != nil {
			return err
		}
		if ifRev != 0 && ifRev != e.Rev {
			return aims.Stale("the evidence", e.Rev, ifRev)
		}
		if err := s.refuseIfInApprovedSoA(ctx, orgID, e); err != nil {
			return err
		}
		if err := record.ApplyDeleteRules(ctx, s.Links, orgID, e.Ref()); err != nil {
			return err
		}
		return s.store.DeleteEvidence(ctx, orgID, id)
	})
}

func (s *Service) refuseIfInApprovedSoA(ctx context.Context, orgID string, e *Evidence) error {
	if s.Links == nil {
		return errors.New("evidence: no links wired; build the service with app.NewServices")
	}
	var controls []string
	p := aims.Page{Limit: aims.MaxPageLimit}
	for {
		ls, next, err := s.Links.List(ctx, orgID, record.Filter{From: &record.Ref{Type: record.TypeEvidence, ID: e.ID}, Relationship: record.RelEvidences}, p)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.To.Type == record.TypeControl {
				controls = append(controls, l.To.ID)
			}
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	if len(controls) == 0 {
		return nil
	}
	n, in, err := s.store.ApprovedSoAControls(ctx, orgID)
	if err != nil {
		return err
	}
	for _, c := range controls {
		if in[c] {
			_, ref, _ := strings.Cut(c, "/")
			return aims.Errorf(aims.ECONFLICT, "This evidence supports control %s of the approved Statement of Applicability (version %d), so it cannot be deleted. Upload a new revision instead, or remove its link to the control and approve a new SoA version first.", ref, n)
		}
	}
	return nil
}

// Content returns orgID's file evidence id and a reader of its file, verified: the whole file is checked
// against its sha256 before the reader is returned (ECORRUPT when it does not match, and no byte of it is
// given), and checked again as it is read. The caller closes the reader.
func (s *Service) Content(ctx context.Context, orgID, id string) (*Evidence, io.ReadCloser, error) {
	e, err := s.Get(ctx, orgID, id)
	if err != nil {
		return nil, nil, err
	}
	if e.File == nil {
		return nil, nil, aims.Errorf(aims.ENOTFOUND, "This evidence is a %s, not a file: it has no content to download.", e.Kind)
	}
	if s.Blobs == nil {
		return nil, nil, errors.New("evidence: no blob store wired; build the service with app.NewServices")
	}
	if err := s.Blobs.Verify(ctx, e.File.SHA256, e.File.Size); err != nil {
		return nil, nil, fmt.Errorf("evidence %s: %w", e.ID, err)
	}
	r, err := s.Blobs.Open(ctx, e.File.SHA256, e.File.Size)
	if err != nil {
		return nil, nil, err
	}
	return e, r, nil
}

// SweepUploads removes the temporary files uploads left in the blob store when the process stopped
// mid-upload, once they are TemporaryMaxAge old; the daily job calls it.
func (s *Service) SweepUploads(ctx context.Context, now time.Time) (int, error) {
	if s.Blobs == nil {
		return 0, nil
	}
	return s.Blobs.SweepTemporary(ctx, now.Add(-TemporaryMaxAge))
}
