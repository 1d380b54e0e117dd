// Package evidence holds the evidence of the management system: files (stored once by sha256 in a blob
// store and verified on every read), links to documents kept elsewhere, and structured records written in
// aims. Each piece of evidence has a title, when it was collected, until when it is valid, an owner, a
// source, and a status. Evidence is linked to what it evidences (controls and clause requirements, AI
// systems, components, risks, impact assessments) by the record package's links, relationship
// "evidences". Every change makes a revision, and the revisions are kept.
//
// Review: evidence added with review asked for is a draft until a manager (or above) approves it;
// evidence added without is current at once. A change of approved evidence makes it a draft again.
package evidence

import (
	"context"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/record"
)

// Kinds of evidence.
const (
	KindFile   = "file"   // a file stored in aims's blob store
	KindLink   = "link"   // a URL of a document kept elsewhere
	KindRecord = "record" // structured text written in aims
)

// Kinds lists the kinds in the order the UI offers them.
var Kinds = []string{KindFile, KindLink, KindRecord}

// Statuses of evidence: a draft awaits review; approved was reviewed by a manager; current was added
// without asking for review.
const (
	StatusDraft    = "draft"
	StatusApproved = "approved"
	StatusCurrent  = "current"
)

// DefaultExpiryNotice is how many days before its valid-until date the owner of evidence gets a task to
// renew it.
const DefaultExpiryNotice = 30

// Fields are what people set on evidence.
type Fields struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	// URL is the document of link evidence; Body the text of record evidence.
	URL  string `json:"url,omitempty"`
	Body string `json:"body,omitempty"`
	// CollectedOn is the date (YYYY-MM-DD) the evidence was collected, today when not given; ValidUntil
	// the last date it holds ("" for no end).
	CollectedOn string `json:"collected_on"`
	ValidUntil  string `json:"valid_until"`
	// OwnerID is the member who answers for the evidence (the one adding it when not given).
	OwnerID string `json:"owner_id"`
	// Source says where the evidence comes from: "CI: github actions run 123".
	Source string `json:"source"`
}

// File describes evidence's stored file.
type File struct {
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
	Name      string `json:"filename"`
}

// Evidence is one piece of evidence as it stands: its latest revision.
type Evidence struct {
	ID    string `json:"id"`
	OrgID string `json:"-"`
	Kind  string `json:"kind"`
	Fields
	File      *File  `json:"file,omitempty"`
	OwnerName string `json:"owner_name,omitempty"`
	Status    string `json:"status"`
	// Expired is set when the valid-until date has passed (computed, not stored).
	Expired        bool       `json:"expired"`
	ApprovedBy     string     `json:"approved_by,omitempty"`
	ApprovedByName string     `json:"approved_by_name,omitempty"`
	ApprovedAt     *time.Time `json:"approved_at,omitempty"`
	// Rev counts the revisions from 1 (its ETag).
	Rev       int64     `json:"rev"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Ref returns the record reference of e.
func (e *Evidence) Ref() record.Ref { return record.Ref{Type: record.TypeEvidence, ID: e.ID} }

// Revision is evidence as one revision left it.
type Revision struct {
	Rev  int64  `json:"rev"`
	Kind string `json:"kind"`
	Fields
	File           *File      `json:"file,omitempty"`
	Status         string     `json:"status"`
	ApprovedByName string     `json:"approved_by_name,omitempty"`
	ApprovedAt     *time.Time `json:"approved_at,omitempty"`
	// Change says what the revision changed: "created", "new file", "fields", "approved".
	Change    string    `json:"change"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// RevisionOf returns e as a revision that change made, by whom.
func RevisionOf(e *Evidence, change, by string) *Revision {
	r := &Revision{Rev: e.Rev, Kind: e.Kind, Fields: e.Fields, Status: e.Status, ApprovedByName: e.ApprovedByName,
		ApprovedAt: e.ApprovedAt, Change: change, CreatedBy: by, CreatedAt: e.UpdatedAt}
	if e.File != nil {
		f := *e.File
		r.File = &f
	}
	return r
}

// Filter narrows a list of evidence. System and Control keep evidence linked to that record (a system id,
// a control KEY/REF); Owner a member's user id; ExpiringBefore evidence valid until before that date; Kind
// one kind; Status one status; Expired only what has expired (judged on Today, which the service sets).
type Filter struct {
	System         string
	Control        string
	Owner          string
	ExpiringBefore string
	Kind           string
	Status         string
	Expired        bool
	Today          string
}

// Expiring is evidence whose valid-until date is near, across organizations, for the daily job.
type Expiring struct {
	OrgID, ID, Title, OwnerID, ValidUntil string
}

// Store persists evidence, scoped by organization: evidence of another organization is ENOTFOUND. Every
// change writes its activity entry in the same transaction.
type Store interface {
	aims.Transactor
	// CreateEvidence stores e (setting its id, rev 1 and times) with its first revision.
	CreateEvidence(ctx context.Context, e *Evidence) error
	// UpdateEvidence stores e as its next revision (change says what changed) if its rev is ifRev
	// (EPRECONDITION otherwise).
	UpdateEvidence(ctx context.Context, e *Evidence, ifRev int64, change string) error
	// DeleteEvidence deletes orgID's evidence id and its revisions; the activity trail keeps them.
	DeleteEvidence(ctx context.Context, orgID, id string) error
	// EvidenceByID returns orgID's evidence id, or ENOTFOUND.
	EvidenceByID(ctx context.Context, orgID, id string) (*Evidence, error)
	// ListEvidence returns a page of orgID's evidence f selects, newest first.
	ListEvidence(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Evidence, string, error)
	// EvidenceRevisions returns every revision of orgID's evidence id, newest first.
	EvidenceRevisions(ctx context.Context, orgID, id string) ([]*Revision, error)
	// ExpiringEvidence returns, across organizations, up to limit pieces of evidence valid until on or
	// before by whose owner has not yet been told of that date.
	ExpiringEvidence(ctx context.Context, by string, limit int) ([]Expiring, error)
	// MarkEvidenceNotified records that the owner of orgID's evidence id was told of validUntil.
	MarkEvidenceNotified(ctx context.Context, orgID, id, validUntil string) error
	// ApprovedSoAControls returns the number of orgID's latest approved SoA version (0: none) and its
	// controls as KEY/REF.
	ApprovedSoAControls(ctx context.Context, orgID string) (int, map[string]bool, error)
	MembershipOf(ctx context.Context, orgID, userID string) (*account.Membership, error)
}
