package record

import (
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// Task statuses: open and in progress are active (on someone's list); done and cancelled are closed.
const (
	TaskOpen       = "open"
	TaskInProgress = "in_progress"
	TaskDone       = "done"
	TaskCancelled  = "cancelled"
)

// Task kinds: an action to carry out, or an approval to give (a risk's acceptance, an assessment's
// sign-off), which "My work" shows apart and whose e-mail says an approval is waiting.
const (
	TaskAction   = "action"
	TaskApproval = "approval"
)

// TaskKinds lists the kinds in the order the UI offers them.
var TaskKinds = []string{TaskAction, TaskApproval}

// TaskStatuses lists the statuses in the order the UI offers them.
var TaskStatuses = []string{TaskOpen, TaskInProgress, TaskDone, TaskCancelled}

// MaxTaskTitle bounds a task's title.
const MaxTaskTitle = 300

// Task is work someone owns on a record: a title, an owner who may act on the record, a due date and a
// status. Later capabilities create tasks of their own (a risk treatment action, an expiring
// certificate, a review due) with Service.CreateTask.
type Task struct {
	ID          string     `json:"id"`
	OrgID       string     `json:"-"`
	Record      End        `json:"record"`
	Title       string     `json:"title"`
	OwnerID     string     `json:"owner_id"`
	OwnerName   string     `json:"owner_name"`
	Due         string     `json:"due,omitempty"`
	Status      string     `json:"status"`
	Kind        string     `json:"kind"`
	Overdue     bool       `json:"overdue"`
	CreatedBy   string     `json:"created_by"`
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}

// Active reports whether the task is still to be done.
func (t *Task) Active() bool { return t.Status == TaskOpen || t.Status == TaskInProgress }

// DueKey is the task's place in a list ordered by due date: its due date, or one after every date when
// it has none, so that ascending order puts overdue tasks first and undated ones last.
func DueKey(due string) string {
	if due == "" {
		return "9999-12-31"
	}
	return due
}

// NewTask is what a caller asks for: a task on Record (TYPE:ID) for the member OwnerID, due on Due
// (YYYY-MM-DD, optional), of Kind (TaskAction when empty).
type NewTask struct {
	Record  string `json:"record"`
	Title   string `json:"title"`
	OwnerID string `json:"owner_id"`
	Due     string `json:"due"`
	Kind    string `json:"kind"`
}

// TaskUpdate changes the fields it holds.
type TaskUpdate struct {
	Title   *string `json:"title"`
	OwnerID *string `json:"owner_id"`
	Due     *string `json:"due"`
	Status  *string `json:"status"`
}

// TaskFilter selects tasks: of one owner, of one record, of one kind, by status ("active" for open and
// in progress, the default for an owner's list), and those overdue on Today.
type TaskFilter struct {
	OwnerID string
	Kind    string
	Record  *Ref
	Status  string
	Overdue bool
	// Today is the date overdue is judged on; the service sets it.
	Today string
}

func (f *TaskFilter) check() error {
	if f.Status != "" && f.Status != "active" && f.Status != "all" && !slices.Contains(TaskStatuses, f.Status) {
		return aims.FieldError("status", "Unknown status %q: use active, all, %s.", clip(f.Status), strings.Join(TaskStatuses, ", "))
	}
	if f.Kind != "" && !slices.Contains(TaskKinds, f.Kind) {
		return aims.FieldError("kind", "Unknown kind %q: use %s.", clip(f.Kind), strings.Join(TaskKinds, ", "))
	}
	if f.Overdue && f.Status != "" && f.Status != "active" {
		return aims.FieldError("overdue", "Only active tasks are overdue.")
	}
	return nil
}

func checkTitle(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", aims.FieldError("title", "Say what is to be done.")
	}
	return s, aims.CheckText(s, "title", MaxTaskTitle, false)
}

func checkDue(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil || d.Year() < 2000 || d.Year() > 2200 {
		return "", aims.FieldError("due", "Give the due date as YYYY-MM-DD, for example 2027-03-31.")
	}
	return s, nil
}
