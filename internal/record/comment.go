package record

import (
	"regexp"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// Limits of comments: the size of one, how long its author may still change it (after that a new comment
// corrects it, so that what an auditor read stays what was written), and how many replies one thread
// holds.
const (
	MaxCommentBytes   = 10_000
	CommentEditWindow = 15 * time.Minute
	MaxReplies        = 200
)

// Comment is a member's remark on a record: a thread's opening comment (ParentID "") or a reply to one.
// Threads are resolved and reopened; replies follow their thread. An auditor's comment is how they raise a
// question during an audit; AuthorRole keeps the role the author had when they wrote it.
type Comment struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"-"`
	Record     End        `json:"record"`
	ParentID   string     `json:"parent_id,omitempty"`
	AuthorID   string     `json:"author_id"`
	AuthorName string     `json:"author_name"`
	AuthorRole aims.Role  `json:"author_role"`
	Body       string     `json:"body"`
	HTML       string     `json:"html"`
	Mentions   []Mention  `json:"mentions"`
	Resolved   bool       `json:"resolved"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	EditedAt   *time.Time `json:"edited_at,omitempty"`
	// Replies counts a thread's replies (0 for a reply).
	Replies   int       `json:"replies"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// Thread reports whether c opens a thread (rather than replying to one).
func (c *Comment) Thread() bool { return c.ParentID == "" }

// EditableUntil is the last moment its author may change c.
func (c *Comment) EditableUntil() time.Time { return c.CreatedAt.Add(CommentEditWindow) }

// Mention is a member named with @ in a comment.
type Mention struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
}

// Member is a member of an organization as comments and tasks need them.
type Member struct {
	UserID, Name, Email string
	Role                aims.Role
}

// NewComment is what a caller asks for: a comment on Record (TYPE:ID), or a reply to the thread ParentID.
type NewComment struct {
	Record   string `json:"record"`
	ParentID string `json:"parent_id"`
	Body     string `json:"body"`
}

// CommentFilter selects comments: of one record, of one thread (its replies), threads only, by the role
// their author had, and threads by status ("open" or "resolved").
type CommentFilter struct {
	Record     *Ref
	Thread     string
	Threads    bool
	AuthorRole aims.Role
	Status     string
}

func (f CommentFilter) check() error {
	if f.AuthorRole != "" && !f.AuthorRole.Valid() {
		_, err := aims.ParseRole(string(f.AuthorRole), "author_role")
		return err
	}
	if f.Status != "" && f.Status != "open" && f.Status != "resolved" {
		return aims.FieldError("status", "status is open or resolved.")
	}
	return nil
}

// mentionPattern finds "@handle" where handle is an email address or its part before the @; it is not
// preceded by a word character, so that an address written out in full is not a mention.
var mentionPattern = regexp.MustCompile(`(?:^|[^\w@.])@([A-Za-z0-9._+-]+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)`)

// mentionHandles returns the distinct handles body mentions, lower-cased, in order.
func mentionHandles(body string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range mentionPattern.FindAllStringSubmatch(body, -1) {
		h := strings.ToLower(strings.TrimRight(m[1], "."))
		if h != "" && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// Resource is the kind of record, for the authorization policy, that a record of type t is: who may
// change it may resolve comments on it and own its tasks.
func (t Type) Resource() aims.Resource {
	switch t {
	case TypeControl:
		return aims.ResControl
	case TypeRisk:
		return aims.ResRisk
	case TypeImpact:
		return aims.ResImpact
	case TypeEvidence:
		return aims.ResEvidence
	case TypeEvaluation:
		return aims.ResEvaluation
	default:
		return aims.ResSystem
	}
}
