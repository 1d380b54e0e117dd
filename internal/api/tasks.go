package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// listTasks answers GET /api/v1/tasks: by owner (owner=me, a member's id or email address: their active
// tasks unless status says otherwise), by record, by status, by kind (approval: what waits for the
// owner's approval), overdue only; overdue first.
func (a *API) listTasks(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	ctx, actor := r.Context(), aims.ActorFrom(r.Context())
	q := r.URL.Query()
	f := record.TaskFilter{Status: q.Get("status"), Kind: q.Get("kind")}
	switch owner := q.Get("owner"); owner {
	case "":
	case "me":
		if actor.UserID == "" {
			return aims.FieldError("owner", "owner=me needs a person: this caller acts for no one.")
		}
		f.OwnerID = actor.UserID
	default:
		if f.OwnerID, err = a.Records.MemberID(ctx, actor.OrgID, owner, "owner"); err != nil {
			return err
		}
	}
	if q.Has("record") {
		ref, err := record.ParseRef(q.Get("record"), "record")
		if err != nil {
			return err
		}
		f.Record = &ref
	}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		return aims.FieldError("overdue", "overdue is true or false.")
	}
	ts, next, err := a.Records.Tasks(ctx, actor.OrgID, f, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*record.Task]{Items: items(ts), NextCursor: next})
}

func (a *API) createTask(w http.ResponseWriter, r *http.Request) error {
	var req record.NewTask
	if err := decode(w, r, &req); err != nil {
		return err
	}
	t, err := a.Records.CreateTask(r.Context(), aims.ActorFrom(r.Context()).OrgID, req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tasks/"+t.ID)
	return writeResource(w, http.StatusCreated, t.Version, t)
}

func (a *API) getTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Task")
	if err != nil {
		return err
	}
	t, err := a.Records.Task(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, t.Version, t)
}

func (a *API) updateTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Task")
	if err != nil {
		return err
	}
	var req record.TaskUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	v, err := ifMatch(r)
	if err != nil {
		return err
	}
	t, err := a.Records.UpdateTask(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, req, v)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, t.Version, t)
}
