package risk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// Acceptance is the formal acceptance of a risk as it stands after treatment (ISO/IEC 42001, 6.1.3 and
// 8.3): who accepted it, in which role, when, at which level and with which version of the criteria,
// and the risk as it was then. It is never changed but to void it: a material change of the risk after
// it (its level, its treatment, the controls that treat it) voids it, saying why, and asks for a new one.
type Acceptance struct {
	ID              string    `json:"id"`
	OrgID           string    `json:"-"`
	RiskID          string    `json:"risk_id"`
	AcceptedByID    string    `json:"accepted_by_id"`
	AcceptedBy      string    `json:"accepted_by"`
	Role            aims.Role `json:"role"`
	AcceptedAt      time.Time `json:"accepted_at"`
	CriteriaVersion int64     `json:"criteria_version"`
	Level           string    `json:"level"`
	Note            string    `json:"note"`
	// Snapshot is the risk as accepted, with the controls its treatment selected then.
	Snapshot   json.RawMessage `json:"snapshot"`
	VoidedAt   *time.Time      `json:"voided_at,omitempty"`
	VoidReason string          `json:"void_reason,omitempty"`
}

// Standing reports whether a is in force: not voided.
func (a *Acceptance) Standing() bool { return a.VoidedAt == nil }

// Snapshot is what an acceptance keeps of the risk it accepts.
type Snapshot struct {
	Risk *Risk `json:"risk"`
	// Controls are the controls the treatment selected, as framework/ref.
	Controls []string `json:"controls"`
}

// AcceptanceStore persists acceptances; the risk Store embeds it.
type AcceptanceStore interface {
	// CreateAcceptance stores a (OrgID, RiskID and what it records set), setting its id, as the standing
	// acceptance of its risk if the risk's version is ifVersion (EPRECONDITION otherwise), raising the
	// risk's version, with its activity entry.
	CreateAcceptance(ctx context.Context, a *Acceptance, ifVersion int64) error
	// VoidAcceptance voids the standing acceptance of orgID's risk id for reason, with its activity entry,
	// and returns it; nil when there is none.
	VoidAcceptance(ctx context.Context, orgID, id, reason string) (*Acceptance, error)
	// AcceptanceByID returns orgID's acceptance id, or ENOTFOUND.
	AcceptanceByID(ctx context.Context, orgID, id string) (*Acceptance, error)
	// Acceptances returns a page of the acceptances of orgID's risk id, newest first.
	Acceptances(ctx context.Context, orgID, id string, p aims.Page) ([]*Acceptance, string, error)
	// TreatingControls returns the controls (framework/ref) linked to orgID's risk id as treating it, at
	// most limit.
	TreatingControls(ctx context.Context, orgID, id string, limit int) ([]string, error)
}

// maxSnapshotControls bounds the controls an acceptance's snapshot lists.
const maxSnapshotControls = 500

// Accept records the actor's formal acceptance of orgID's risk id as it stands, with note, if the risk's
// version is ifVersion (0: any). The risk must be open, rated with the current criteria and have a
// treatment option (what is accepted is the risk left after treatment); the actor's role must be at least
// the one the criteria let accept the risk's level (EFORBIDDEN otherwise); a risk already accepted is
// ECONFLICT.
func (s *Service) Accept(ctx context.Context, orgID, id, note string, ifVersion int64) (*Acceptance, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such risk.")
	}
	note = strings.TrimSpace(note)
	if err := aims.CheckText(note, "note", 2000, true); err != nil {
		return nil, err
	}
	actor := aims.ActorFrom(ctx)
	var a *Acceptance
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		r, err := s.store.RiskByID(ctx, orgID, id)
		if err != nil {
			return err
		}
		if ifVersion != 0 && ifVersion != r.Version {
			return aims.Stale("the risk", r.Version, ifVersion)
		}
		c, err := s.current(ctx, orgID)
		if err != nil {
			return err
		}
		switch {
		case r.Status == StatusClosed:
			return aims.Errorf(aims.ECONFLICT, "%s is closed: there is nothing left to accept.", r.Ref)
		case !r.Inherent.Rated():
			return aims.Errorf(aims.ECONFLICT, "Rate %s before accepting it.", r.Ref)
		case r.CriteriaVersion != c.Version:
			return aims.Errorf(aims.ECONFLICT, "%s was rated with version %d of the risk criteria; reassess it against version %d before accepting it.",
				r.Ref, r.CriteriaVersion, c.Version)
		case r.TreatmentOption == "":
			return aims.Errorf(aims.ECONFLICT, "Say how %s is treated (%s) before accepting it: what is accepted is the risk left after treatment.",
				r.Ref, strings.Join(TreatmentOptions, ", "))
		case r.AcceptedID != "":
			return aims.Errorf(aims.ECONFLICT, "%s is accepted already.", r.Ref)
		}
		level := c.Level(r.Level())
		if level == nil {
			return fmt.Errorf("risk %s has level %q, which criteria version %d lacks", r.ID, r.Level(), c.Version)
		}
		if !actor.Role.Valid() || !level.AcceptedBy.AtMost(actor.Role) {
			return aims.Errorf(aims.EFORBIDDEN, "%s risk is accepted by %s or above; %s. Ask someone with that authority.",
				capitalize(Article(strings.ToLower(level.Name))), Article(string(level.AcceptedBy)), youAre(actor.Role))
		}
		controls, err := s.store.TreatingControls(ctx, orgID, id, maxSnapshotControls)
		if err != nil {
			return err
		}
		snap, err := json.Marshal(Snapshot{Risk: r, Controls: controls})
		if err != nil {
			return fmt.Errorf("cannot keep the accepted risk: %w", err)
		}
		who := actor.UserID
		if who == "" {
			who = actor.ID
		}
		a = &Acceptance{OrgID: orgID, RiskID: r.ID, AcceptedByID: who, AcceptedBy: actor.Name, Role: actor.Role,
			CriteriaVersion: c.Version, Level: level.Key, Note: note, Snapshot: snap}
		return s.store.CreateAcceptance(ctx, a, r.Version)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func youAre(r aims.Role) string {
	if r == "" {
		return "you are not a member here"
	}
	return "you are " + Article(string(r)) + " here"
}

// Article returns word with its indefinite article: "a manager", "an admin", "a high".
func Article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Acceptances returns a page of the acceptances of orgID's risk id, standing and voided, newest first.
func (s *Service) Acceptances(ctx context.Context, orgID, id string, p aims.Page) ([]*Acceptance, string, error) {
	if _, err := s.Risk(ctx, orgID, id); err != nil {
		return nil, "", err
	}
	return s.store.Acceptances(ctx, orgID, id, p)
}

// material says how after differs from before in a way that voids an acceptance ("" when it does not):
// its level, inherent or residual, or its treatment.
func material(c *Criteria, before, after *Risk) string {
	var what []string
	name := func(key string) string {
		if l := c.Level(key); l != nil {
			return strings.ToLower(l.Name)
		}
		if key == "" {
			return "not rated"
		}
		return key
	}
	if before.Inherent.Level != after.Inherent.Level {
		what = append(what, fmt.Sprintf("inherent level %s → %s", name(before.Inherent.Level), name(after.Inherent.Level)))
	}
	if before.Residual.Level != after.Residual.Level {
		what = append(what, fmt.Sprintf("residual level %s → %s", name(before.Residual.Level), name(after.Residual.Level)))
	}
	if before.TreatmentOption != after.TreatmentOption {
		what = append(what, fmt.Sprintf("treatment %s → %s", orNone(before.TreatmentOption), orNone(after.TreatmentOption)))
	}
	if before.TreatmentPlan != after.TreatmentPlan {
		what = append(what, "treatment plan changed")
	}
	return strings.Join(what, "; ")
}

// void voids r's standing acceptance for reason and asks its owner for a new one (an approval task due
// in 14 days), in the transaction of ctx. It does nothing when r has no standing acceptance, or is closed
// (a closed risk needs no acceptance).
func (s *Service) void(ctx context.Context, r *Risk, reason string) error {
	if r.AcceptedID == "" {
		return nil
	}
	a, err := s.store.VoidAcceptance(ctx, r.OrgID, r.ID, reason)
	if err != nil || a == nil {
		return err
	}
	r.AcceptedID, r.Accepted, r.Acceptance = "", false, nil
	if r.OwnerID == "" || r.Status == StatusClosed {
		return nil
	}
	if s.Tasks == nil {
		return errors.New("risk: no task service wired; build the service with app.NewServices")
	}
	due := s.Now().UTC().AddDate(0, 0, 14).Format(time.DateOnly)
	_, err = s.Tasks.CreateTask(ctx, r.OrgID, record.NewTask{Record: "risk:" + r.ID, OwnerID: r.OwnerID, Due: due, Kind: record.TaskApproval,
		Title: clipTitle(fmt.Sprintf("Have %s accepted again: %s", r.Ref, reason))})
	if err != nil {
		return fmt.Errorf("cannot ask %s's owner for a new acceptance: %w", r.Ref, err)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func clipTitle(s string) string {
	if len([]rune(s)) <= 200 {
		return s
	}
	return string([]rune(s)[:199]) + "…"
}

// LinkChanged voids the acceptance of a risk whose treatment gains or loses a control: the record service
// calls it in the transaction of each link it makes or removes.
func (s *Service) LinkChanged(ctx context.Context, orgID string, l *record.Link, created bool) error {
	if l.Relationship != record.RelTreats || l.To.Type != record.TypeRisk {
		return nil
	}
	r, err := s.store.RiskByID(ctx, orgID, l.To.ID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil // the risk is being deleted
	}
	if err != nil {
		return err
	}
	verb := "no longer treats"
	if created {
		verb = "now treats"
	}
	return s.void(ctx, r, fmt.Sprintf("%s %s it", l.From.Title, verb))
}

// AcceptanceNeeded reports whether r, rated with c, needs a formal acceptance it lacks: it is open and
// above the acceptable level.
func AcceptanceNeeded(c *Criteria, r *Risk) bool {
	return r.Status != StatusClosed && c.Above(r.Level()) && !r.Accepted
}

// SelectsControls reports whether treatment option o is carried out by controls: modifying a risk and
// sharing it (with a supplier, an insurer: the controls of A.10) are; avoiding and retaining it are not.
func SelectsControls(o string) bool { return slices.Contains([]string{TreatModify, TreatShare}, o) }
