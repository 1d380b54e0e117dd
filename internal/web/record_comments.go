package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// commentThreadsShown is how many threads a record's page shows at a time.
const commentThreadsShown = 20

// RecordComments is the "Comments" card every record's page shows: its threads with their replies, a page
// at a time, filtered by status and by the role their author had, and the forms to comment, reply,
// correct one's own comment and resolve a thread.
type RecordComments struct {
	Self    record.End
	Threads []CommentThread
	// MoreHref is the address of the next page of threads; FirstHref that of the first when this is not it.
	MoreHref, FirstHref string
	CanComment          bool
	// Status and AuthorRole are the filter in force.
	Status, AuthorRole string
}

// Roles are the roles the author filter offers.
func (RecordComments) Roles() []aims.Role { return aims.Roles }

// CommentThread is a thread and its replies as the visitor may act on them.
type CommentThread struct {
	CommentView
	Replies    []CommentView
	CanResolve bool
}

// CommentView is one comment and whether the visitor may still change its text.
type CommentView struct {
	*record.Comment
	CanEdit bool
}

// Rendered is the comment's HTML: rendered from Markdown and sanitized by the record service's policy,
// so it is marked safe here.
func (c CommentView) Rendered() template.HTML { return template.HTML(c.HTML) }

// recordComments builds the comments card of the record self for the request r.
func (w *Web) recordComments(ctx context.Context, r *http.Request, v *visit, self record.End) (RecordComments, error) {
	q := r.URL.Query()
	rc := RecordComments{Self: self, CanComment: v.may(aims.ActionCreate, aims.ResComment), Status: q.Get("comment_status"),
		AuthorRole: q.Get("comment_role")}
	if rc.Status != "open" && rc.Status != "resolved" {
		rc.Status = ""
	}
	if !aims.Role(rc.AuthorRole).Valid() {
		rc.AuthorRole = ""
	}
	ref := self.Ref()
	threads, next, err := w.Records.Comments(ctx, v.org.ID, record.CommentFilter{Record: &ref, Threads: true, Status: rc.Status,
		AuthorRole: aims.Role(rc.AuthorRole)}, pageOf(q.Get("comments"), commentThreadsShown))
	if err != nil {
		return rc, err
	}
	now := w.Now()
	view := func(c *record.Comment) CommentView {
		return CommentView{Comment: c, CanEdit: c.AuthorID == v.user.ID && now.Before(c.EditableUntil())}
	}
	for _, t := range threads {
		th := CommentThread{CommentView: view(t),
			CanResolve: v.may(aims.ActionUpdate, aims.ResComment) && (t.AuthorID == v.user.ID || v.may(aims.ActionUpdate, self.Type.Resource()))}
		if t.Replies > 0 {
			rs, _, err := w.Records.Comments(ctx, v.org.ID, record.CommentFilter{Thread: t.ID}, pageOf("", record.MaxReplies))
			if err != nil {
				return rc, err
			}
			for _, c := range rs {
				th.Replies = append(th.Replies, view(c))
			}
		}
		rc.Threads = append(rc.Threads, th)
	}
	keep := url.Values{}
	if rc.Status != "" {
		keep.Set("comment_status", rc.Status)
	}
	if rc.AuthorRole != "" {
		keep.Set("comment_role", rc.AuthorRole)
	}
	if next != "" {
		more := url.Values{"comments": {next}}
		for k, vs := range keep {
			more[k] = vs
		}
		rc.MoreHref = self.Path() + "?" + more.Encode() + "#record-comments-title"
	}
	if q.Get("comments") != "" {
		rc.FirstHref = self.Path() + "?" + keep.Encode() + "#record-comments-title"
	}
	return rc, nil
}

// addComment adds the visitor's comment to the record the form names, or their reply to a thread, and
// returns to the record's page.
func (w *Web) addComment(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	self, err := w.selfRecord(ctx, v, r.PostFormValue("self"))
	if err != nil {
		return err
	}
	back := self.Path() + "#record-comments-title"
	n := record.NewComment{Body: r.PostFormValue("body"), ParentID: r.PostFormValue("parent_id")}
	if n.ParentID == "" {
		n.Record = self.Ref().String()
	}
	c, err := w.Records.AddComment(ctx, v.org.ID, n)
	if err != nil {
		if !commentRefusal(err) {
			return err
		}
		w.flash(rw, flashWarn, "Not posted: "+aims.ErrorMessage(err))
		http.Redirect(rw, r, back, http.StatusSeeOther)
		return nil
	}
	msg := "Your comment is posted."
	if c.ParentID != "" {
		msg = "Your reply is posted."
	}
	if len(c.Mentions) > 0 {
		msg += fmt.Sprintf(" It mentions %s.", mentionNames(c.Mentions))
	}
	w.flash(rw, flashOK, msg)
	http.Redirect(rw, r, self.Path()+"#comment-"+c.ID, http.StatusSeeOther)
	return nil
}

// editComment replaces the text of the visitor's own comment while they still may.
func (w *Web) editComment(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	cur, err := w.Records.Comment(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	c, err := w.Records.EditComment(ctx, v.org.ID, id, r.PostFormValue("body"), version)
	if err != nil {
		if !commentRefusal(err) {
			return err
		}
		w.flash(rw, flashWarn, "Not changed: "+aims.ErrorMessage(err))
		http.Redirect(rw, r, cur.Record.Path()+"#comment-"+id, http.StatusSeeOther)
		return nil
	}
	w.flash(rw, flashOK, "Your comment is changed.")
	http.Redirect(rw, r, c.Record.Path()+"#comment-"+id, http.StatusSeeOther)
	return nil
}

// resolveComment resolves or reopens a thread.
func (w *Web) resolveComment(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	cur, err := w.Records.Comment(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	resolved := r.PostFormValue("resolved") == "true"
	if _, err := w.Records.ResolveComment(ctx, v.org.ID, id, resolved, version); err != nil {
		if !commentRefusal(err) {
			return err
		}
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
		http.Redirect(rw, r, cur.Record.Path()+"#comment-"+id, http.StatusSeeOther)
		return nil
	}
	if resolved {
		w.flash(rw, flashOK, "The thread is resolved.")
	} else {
		w.flash(rw, flashOK, "The thread is open again.")
	}
	http.Redirect(rw, r, cur.Record.Path()+"#comment-"+id, http.StatusSeeOther)
	return nil
}

// commentRefusal reports whether err is one the visitor can act on (shown as a message on the record's
// page) rather than a failure.
func commentRefusal(err error) bool {
	switch aims.ErrorCode(err) {
	case aims.EINVALID, aims.ECONFLICT, aims.EPRECONDITION:
		return true
	}
	return false
}

func mentionNames(ms []record.Mention) string {
	s := ""
	for i, m := range ms {
		switch {
		case i == 0:
		case i == len(ms)-1:
			s += " and "
		default:
			s += ", "
		}
		s += m.Name
	}
	return s
}
