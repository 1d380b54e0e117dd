package record

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/notify"
)

// AddComment adds the acting member's comment to a record of orgID, or their reply to a thread. The record
// and the thread must be orgID's (ENOTFOUND otherwise); the text must not be empty or over
// MaxCommentBytes (EINVALID on body); every @mention must name one member (EINVALID on body); a thread
// holds at most MaxReplies replies (ECONFLICT). A reply to a reply joins its thread.
func (s *Service) AddComment(ctx context.Context, orgID string, n NewComment) (*Comment, error) {
	body, err := checkBody(n.Body)
	if err != nil {
		return nil, err
	}
	a := aims.ActorFrom(ctx)
	c := &Comment{OrgID: orgID, Body: body, AuthorRole: a.Role}
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		author, err := s.author(ctx, orgID, a)
		if err != nil {
			return err
		}
		c.AuthorID, c.AuthorName = author.UserID, author.Name
		if c.AuthorRole == "" {
			c.AuthorRole = author.Role
		}
		// The routes authorize their callers already; the command line acts for a member it names.
		if err := aims.Authorize(c.AuthorRole, aims.ActionCreate, aims.ResComment); err != nil {
			return err
		}
		if n.ParentID != "" {
			parent, err := s.threadOf(ctx, orgID, n.ParentID)
			if err != nil {
				return err
			}
			if parent.Replies >= MaxReplies {
				return aims.Errorf(aims.ECONFLICT, "This thread has %d replies, as many as one holds: start a new one.", MaxReplies)
			}
			c.ParentID, c.Record = parent.ID, parent.Record
			if n.Record != "" && n.Record != parent.Record.Ref().String() {
				return aims.FieldError("record", "The thread is about %s, not %s.", parent.Record.Ref(), clip(n.Record))
			}
		} else {
			r, err := ParseRef(n.Record, "record")
			if err != nil {
				return err
			}
			if c.Record, err = s.Resolve(ctx, orgID, r); err != nil {
				return err
			}
		}
		if c.Mentions, err = s.mentions(ctx, orgID, body); err != nil {
			return err
		}
		if err := s.store.CreateComment(ctx, c); err != nil {
			return err
		}
		c.HTML = s.md.render(c.Body)
		e := notify.Event{Type: notify.EventCommentCreated, Data: c, Path: c.Record.Path() + "#comment-" + c.ID,
			Subject: fmt.Sprintf("%s mentioned you on %s", c.AuthorName, c.Record.Name()),
			Text:    fmt.Sprintf("%s mentioned you in a comment on %s:\n\n%s", c.AuthorName, c.Record.Name(), c.Body)}
		for _, m := range c.Mentions {
			if m.UserID != c.AuthorID && !slices.Contains(e.People, m.UserID) {
				e.People = append(e.People, m.UserID)
			}
		}
		return s.publish(ctx, orgID, e)
	})
	if err != nil {
		return nil, err
	}
	c.HTML = s.md.render(c.Body)
	return c, nil
}

// EditComment replaces the text of comment id, which only its author may do (EFORBIDDEN), and only for
// CommentEditWindow after writing it (ECONFLICT: a new comment corrects it then). ifVersion, when not
// 0, must be its version (EPRECONDITION).
func (s *Service) EditComment(ctx context.Context, orgID, id, body string, ifVersion int64) (*Comment, error) {
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	a := aims.ActorFrom(ctx)
	var c *Comment
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		if c, err = s.Comment(ctx, orgID, id); err != nil {
			return err
		}
		if a.UserID == "" || a.UserID != c.AuthorID {
			return aims.Errorf(aims.EFORBIDDEN, "Only its author may change a comment; reply to it instead.")
		}
		if now := s.Now(); now.After(c.EditableUntil()) {
			return aims.Errorf(aims.ECONFLICT, "A comment can be changed for %d minutes after it is written; add a new comment to correct this one.",
				int(CommentEditWindow.Minutes()))
		}
		if ifVersion != 0 && ifVersion != c.Version {
			return aims.Stale("the comment", c.Version, ifVersion)
		}
		if c.Mentions, err = s.mentions(ctx, orgID, body); err != nil {
			return err
		}
		now := s.Now()
		c.Body, c.EditedAt = body, &now
		return s.store.UpdateComment(ctx, c, c.Version)
	})
	if err != nil {
		return nil, err
	}
	c.HTML = s.md.render(c.Body)
	return c, nil
}

// ResolveComment marks thread id resolved (or, with resolved false, open again). Its author may, and so
// may anyone whose role may change the record it is about (EFORBIDDEN otherwise); a reply is not
// resolved on its own (EINVALID). ifVersion as for EditComment.
func (s *Service) ResolveComment(ctx context.Context, orgID, id string, resolved bool, ifVersion int64) (*Comment, error) {
	a := aims.ActorFrom(ctx)
	var c *Comment
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.Comment(ctx, orgID, id); err != nil {
			return err
		}
		if !c.Thread() {
			return aims.FieldError("resolved", "Resolve the thread this reply belongs to, not the reply.")
		}
		if a.UserID != c.AuthorID && aims.Authorize(a.Role, aims.ActionUpdate, c.Record.Type.Resource()) != nil {
			return aims.Errorf(aims.EFORBIDDEN, "Only the thread's author, or someone who may change the %s, may resolve it.",
				strings.ToLower(c.Record.Type.Label()))
		}
		if ifVersion != 0 && ifVersion != c.Version {
			return aims.Stale("the comment", c.Version, ifVersion)
		}
		if c.Resolved == resolved {
			return nil
		}
		c.Resolved = resolved
		c.ResolvedAt, c.ResolvedBy = nil, ""
		if resolved {
			now := s.Now()
			c.ResolvedAt, c.ResolvedBy = &now, a.Name
			if m, err := s.store.MemberByUserID(ctx, orgID, a.UserID); err == nil {
				c.ResolvedBy = m.Name // the person, also when they act through a token
			}
		}
		return s.store.UpdateComment(ctx, c, c.Version)
	})
	if err != nil {
		return nil, err
	}
	c.HTML = s.md.render(c.Body)
	return c, nil
}

// Comment returns orgID's comment id, rendered, or ENOTFOUND.
func (s *Service) Comment(ctx context.Context, orgID, id string) (*Comment, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such comment.")
	}
	c, err := s.store.CommentByID(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	c.HTML = s.md.render(c.Body)
	return c, nil
}

// Comments returns a page of orgID's comments matching f, rendered; the record or thread f names must be
// orgID's (ENOTFOUND otherwise).
func (s *Service) Comments(ctx context.Context, orgID string, f CommentFilter, p aims.Page) ([]*Comment, string, error) {
	if err := f.check(); err != nil {
		return nil, "", err
	}
	if f.Record != nil {
		e, err := s.Resolve(ctx, orgID, *f.Record)
		if err != nil {
			return nil, "", err
		}
		canon := e.Ref()
		f.Record = &canon
	}
	if f.Thread != "" {
		if _, err := s.threadOf(ctx, orgID, f.Thread); err != nil {
			return nil, "", err
		}
	}
	cs, next, err := s.store.ListComments(ctx, orgID, f, p)
	if err != nil {
		return nil, "", err
	}
	for _, c := range cs {
		c.HTML = s.md.render(c.Body)
	}
	return cs, next, nil
}

// CountComments returns how many of orgID's comments f selects (f names no record or thread), and
// whether there are more than max: a count for a summary, with nothing read or rendered.
func (s *Service) CountComments(ctx context.Context, orgID string, f CommentFilter, max int) (int, bool, error) {
	if err := f.check(); err != nil {
		return 0, false, err
	}
	n, err := s.store.CountComments(ctx, orgID, f, max)
	return min(n, max), n > max, err
}

// Render returns the sanitized HTML of Markdown text, as comments show it.
func (s *Service) Render(src string) string { return s.md.render(src) }

// threadOf returns the thread comment id belongs to: the comment itself, or the one it replies to.
func (s *Service) threadOf(ctx context.Context, orgID, id string) (*Comment, error) {
	c, err := s.Comment(ctx, orgID, id)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, aims.FieldError("parent_id", "No such comment in this organization.")
	}
	if err != nil || c.Thread() {
		return c, err
	}
	return s.Comment(ctx, orgID, c.ParentID)
}

// author returns the member the actor a is: a person, or the person behind a token.
func (s *Service) author(ctx context.Context, orgID string, a aims.Actor) (*Member, error) {
	if a.UserID == "" {
		return nil, aims.Errorf(aims.EFORBIDDEN, "A comment is written by a member; name who writes it.")
	}
	m, err := s.store.MemberByUserID(ctx, orgID, a.UserID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, aims.Errorf(aims.EFORBIDDEN, "Only members of the organization comment on its records.")
	}
	return m, err
}

// mentions resolves the @mentions of body to members of orgID.
func (s *Service) mentions(ctx context.Context, orgID, body string) ([]Mention, error) {
	out := []Mention{}
	for _, h := range mentionHandles(body) {
		ms, err := s.store.MembersByHandle(ctx, orgID, h)
		if err != nil {
			return nil, err
		}
		switch len(ms) {
		case 0:
			return nil, aims.FieldError("body", "@%s is not a member of this organization: mention a member by their email address or the part before the @.", clip(h))
		case 1:
			out = append(out, Mention{UserID: ms[0].UserID, Name: ms[0].Name, Email: ms[0].Email})
		default:
			return nil, aims.FieldError("body", "@%s names more than one member: write their whole email address.", clip(h))
		}
	}
	return out, nil
}

func checkBody(body string) (string, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return "", aims.FieldError("body", "Write the comment.")
	}
	if len(body) > MaxCommentBytes {
		return "", aims.FieldError("body", "A comment holds at most %d characters; this one has %d. Split it, or attach the text as evidence.", MaxCommentBytes, len(body))
	}
	return body, aims.CheckText(body, "body", MaxCommentBytes, true)
}
