// Package activity defines the append-only, hash-chained activity trail: every change to any record of an
// organization is an Entry, and each Entry's hash covers the previous entry's hash and its own canonical
// content, so that altering, deleting or reordering an entry breaks the chain where it happened.
package activity

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Entry is one change in an organization's activity trail.
type Entry struct {
	OrgID      string          `json:"org_id"`
	Seq        int64           `json:"seq"`
	ID         string          `json:"id"`
	At         time.Time       `json:"at"`
	ActorKind  string          `json:"actor_kind"`
	ActorID    string          `json:"actor_id"`
	ActorName  string          `json:"actor_name"`
	Action     string          `json:"action"`
	RecordType string          `json:"record_type"`
	RecordID   string          `json:"record_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// Actions recorded in the trail.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionRevoke = "revoke"
	ActionAccept = "accept"
)

// GenesisHash is the prev_hash of an organization's first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// canonical is the hashed content of an entry: every field but the hash itself, in a fixed order, with the
// time in UTC at microsecond precision and before/after as compact JSON.
type canonical struct {
	OrgID      string          `json:"org_id"`
	Seq        int64           `json:"seq"`
	ID         string          `json:"id"`
	At         string          `json:"at"`
	ActorKind  string          `json:"actor_kind"`
	ActorID    string          `json:"actor_id"`
	ActorName  string          `json:"actor_name"`
	Action     string          `json:"action"`
	RecordType string          `json:"record_type"`
	RecordID   string          `json:"record_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	PrevHash   string          `json:"prev_hash"`
}

// ComputeHash returns the hex SHA-256 of e's canonical content, which includes e.PrevHash.
func ComputeHash(e Entry) (string, error) {
	c := canonical{
		OrgID: e.OrgID, Seq: e.Seq, ID: e.ID, At: e.At.UTC().Format("2006-01-02T15:04:05.000000Z"),
		ActorKind: e.ActorKind, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action,
		RecordType: e.RecordType, RecordID: e.RecordID, PrevHash: e.PrevHash,
	}
	var err error
	if c.Before, err = compact(e.Before); err != nil {
		return "", fmt.Errorf("entry %d: before is not JSON: %w", e.Seq, err)
	}
	if c.After, err = compact(e.After); err != nil {
		return "", fmt.Errorf("entry %d: after is not JSON: %w", e.Seq, err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("cannot encode entry %d: %w", e.Seq, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

func compact(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 {
		return json.RawMessage("null"), nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Snapshot encodes a record for an entry's before or after; nil encodes as JSON null.
func Snapshot(v any) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage("null"), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot encode activity snapshot: %w", err)
	}
	return b, nil
}

// Break describes where a chain stopped verifying.
type Break struct {
	OrgID  string `json:"org_id"`
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

func (b *Break) Error() string {
	return fmt.Sprintf("activity trail of organization %s breaks at entry %d: %s", b.OrgID, b.Seq, b.Reason)
}

// Verifier checks one organization's entries, fed in ascending sequence order.
type Verifier struct {
	OrgID    string
	next     int64
	prevHash string
	Count    int64
	// watched maps the sequence numbers asked for with Watch to the hash of that entry once verified.
	watched map[int64]string
	// anchor and anchorHash, when anchor > 0, are the entry a resumed verifier starts at and the hash an
	// earlier pass verified it to have (see NewVerifierFrom).
	anchor     int64
	anchorHash string
	// OnVerified, when set, is called with each entry that verifies, in order.
	OnVerified func(*Entry)
}

// Watch asks v to remember the hash of entry seq once it verifies, for HashAt: a checkpoint is checked
// against the hash of the entry at its count, in the same pass that verifies the chain.
func (v *Verifier) Watch(seq int64) {
	if v.watched == nil {
		v.watched = map[int64]string{}
	}
	v.watched[seq] = ""
}

// HashAt returns the hash of entry seq if it was watched and verified.
func (v *Verifier) HashAt(seq int64) (string, bool) {
	h, ok := v.watched[seq]
	return h, ok && h != ""
}

// NewVerifier returns a Verifier for the chain of orgID.
func NewVerifier(orgID string) *Verifier {
	return &Verifier{OrgID: orgID, next: 1, prevHash: GenesisHash}
}

// NewVerifierFrom returns a Verifier that resumes orgID's chain at entry seq, which an earlier pass verified
// from the first entry and found to have hash. The first entry fed must be seq: it must still hash to
// hash, and the entries after it must chain to it. The entries before seq are not read again; Count starts
// at seq-1, counting them as the earlier pass verified them. A change to them that leaves entry seq alone
// shows only to a Verifier that starts from the first entry (NewVerifier).
func NewVerifierFrom(orgID string, seq int64, hash string) *Verifier {
	if seq <= 0 {
		return NewVerifier(orgID)
	}
	return &Verifier{OrgID: orgID, next: seq, Count: seq - 1, anchor: seq, anchorHash: hash}
}

// Next returns the sequence number of the entry v expects next: 1 for a new Verifier, the resumed entry for
// one from NewVerifierFrom. A ChainReader feeds entries from there.
func (v *Verifier) Next() int64 { return v.next }

// Add checks the next entry, returning a *Break at the first entry that was altered, or that stands where
// another was deleted or moved.
func (v *Verifier) Add(e Entry) error {
	if e.Seq != v.next {
		if e.Seq > v.next {
			return &Break{OrgID: v.OrgID, Seq: v.next, Reason: fmt.Sprintf("entry %d is missing (next entry found is %d)", v.next, e.Seq)}
		}
		return &Break{OrgID: v.OrgID, Seq: e.Seq, Reason: fmt.Sprintf("entry out of order (expected %d)", v.next)}
	}
	resumed := v.anchor > 0 && e.Seq == v.anchor
	if !resumed && e.PrevHash != v.prevHash {
		return &Break{OrgID: v.OrgID, Seq: e.Seq, Reason: "its previous-hash does not match the entry before it (an entry was deleted, reordered or altered)"}
	}
	h, err := ComputeHash(e)
	if err != nil {
		return &Break{OrgID: v.OrgID, Seq: e.Seq, Reason: err.Error()}
	}
	if h != e.Hash {
		return &Break{OrgID: v.OrgID, Seq: e.Seq, Reason: "its content does not match its hash (the entry was altered)"}
	}
	if resumed && h != v.anchorHash {
		return &Break{OrgID: v.OrgID, Seq: e.Seq, Reason: "it no longer has the hash it had when the trail was verified from its first entry (the entries up to it were rewritten and their hashes recomputed)"}
	}
	if _, ok := v.watched[e.Seq]; ok {
		v.watched[e.Seq] = e.Hash
	}
	if v.OnVerified != nil {
		v.OnVerified(&e)
	}
	v.next++
	v.prevHash = e.Hash
	v.Count++
	return nil
}

// Head returns the sequence number and hash of the last entry verified (0 and GenesisHash before any; for
// a resumed Verifier, the entry before it and "" until it verifies).
func (v *Verifier) Head() (int64, string) { return v.next - 1, v.prevHash }

// Finish checks the chain's end against the recorded head (seq and hash of the last entry appended), which
// reveals entries deleted from the end.
func (v *Verifier) Finish(headSeq int64, headHash string) error {
	last := v.next - 1
	if v.anchor > 0 && last < v.anchor {
		return &Break{OrgID: v.OrgID, Seq: v.anchor, Reason: fmt.Sprintf("entry %d, verified before, is gone (the trail now ends at entry %d)", v.anchor, headSeq)}
	}
	if headSeq != last {
		return &Break{OrgID: v.OrgID, Seq: last + 1, Reason: fmt.Sprintf("the chain ends at entry %d but %d entries were appended (entries were deleted from the end)", last, headSeq)}
	}
	if last > 0 && headHash != v.prevHash {
		return &Break{OrgID: v.OrgID, Seq: last, Reason: "the last entry's hash does not match the recorded head"}
	}
	return nil
}
