package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// listComments answers GET /api/v1/comments: a record's comments (record=TYPE:ID, oldest first), a
// thread's replies (thread=ID), or the organization's (newest first), filtered by the role their author
// had and, for threads, by status.
func (a *API) listComments(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := record.CommentFilter{Thread: q.Get("thread"), AuthorRole: aims.Role(q.Get("author_role")), Status: q.Get("status")}
	if q.Has("record") {
		ref, err := record.ParseRef(q.Get("record"), "record")
		if err != nil {
			return err
		}
		f.Record = &ref
	}
	switch q.Get("threads") {
	case "", "false":
	case "true":
		f.Threads = true
	default:
		return aims.FieldError("threads", "threads is true or false.")
	}
	cs, next, err := a.Records.Comments(r.Context(), aims.ActorFrom(r.Context()).OrgID, f, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*record.Comment]{Items: items(cs), NextCursor: next})
}

func (a *API) createComment(w http.ResponseWriter, r *http.Request) error {
	var req record.NewComment
	if err := decode(w, r, &req); err != nil {
		return err
	}
	c, err := a.Records.AddComment(r.Context(), aims.ActorFrom(r.Context()).OrgID, req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/comments/"+c.ID)
	return writeResource(w, http.StatusCreated, c.Version, c)
}

func (a *API) getComment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Comment")
	if err != nil {
		return err
	}
	c, err := a.Records.Comment(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, c.Version, c)
}

// commentUpdate changes a comment's text (its author, within the edit window) or a thread's status.
type commentUpdate struct {
	Body     *string `json:"body"`
	Resolved *bool   `json:"resolved"`
}

func (a *API) updateComment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Comment")
	if err != nil {
		return err
	}
	var req commentUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	v, err := ifMatch(r)
	if err != nil {
		return err
	}
	if (req.Body == nil) == (req.Resolved == nil) {
		return aims.FieldError("body", "Send either body (the new text) or resolved (true or false), not both or neither.")
	}
	ctx, orgID := r.Context(), aims.ActorFrom(r.Context()).OrgID
	var c *record.Comment
	if req.Body != nil {
		c, err = a.Records.EditComment(ctx, orgID, id, *req.Body, v)
	} else {
		c, err = a.Records.ResolveComment(ctx, orgID, id, *req.Resolved, v)
	}
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, c.Version, c)
}
