package activity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultFullCheckEvery is how long a Monitor relies on a full pass before it makes another.
const DefaultFullCheckEvery = time.Hour

// A Monitor verifies organizations' trails for the pages that tell, on every view, whether a trail is
// intact and extends its latest checkpoint, without reading the whole trail on every view. A full pass
// reads every entry from the first; the Monitor then remembers, per organization, the last entry verified
// and its hash, and the next pass reads only from that entry: it must still hash to what was verified, and
// the entries after it must chain to it. An entry altered before it, leaving it alone, is found by the
// full check (aims audit verify) and by the Monitor's next full pass, which it makes once the one it relies
// on is FullEvery old. Each Report says what its pass read and what it relies on, for the page to say.
//
// What a Monitor remembers is a cache: a new process starts with a full pass. It is safe for concurrent
// use; it makes one pass per organization at a time, and requests that waited for a pass take its result.
type Monitor struct {
	// Reader reads the trails (the store).
	Reader ChainReader
	// FullEvery is how long a full pass is relied on; 0 means DefaultFullCheckEvery.
	FullEvery time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu   sync.Mutex
	orgs map[string]*monitored
}

// monitored is what a Monitor remembers of one organization's trail.
type monitored struct {
	// mu is held for a pass, so that an organization has one at a time.
	mu sync.Mutex
	// seq and hash are the last entry verified in a chain from the first, by the full pass at full and the
	// passes since; seq is 0 before a full pass verified the trail.
	seq  int64
	hash string
	full time.Time
	// markSeq and markHash are the hash of one more entry before seq as that chain had it: the entry of the
	// latest checkpoint, for telling later whether the trail still extends it.
	markSeq  int64
	markHash string
	// actors are who appear in entries 1 to seq, by id, with the latest name each had.
	actors map[string]Actor
	// started counts the passes begun; last is the newest Report and lastPass the number of its pass, for
	// the requests that waited for it.
	started  atomic.Uint64
	last     *Report
	lastPass uint64
}

// Report is what one pass over an organization's trail found.
type Report struct {
	// Entries is the number of entries that verify from the first: all of them when Break is nil, those
	// before the break otherwise. Entries before From were verified by the full pass at FullAt.
	Entries int64
	// Break is where the trail stopped verifying; nil when it verifies.
	Break *Break
	// From is the first entry this pass read: 1 for a full pass (Full), otherwise the last entry of an
	// earlier pass, whose hash it found unchanged before reading on.
	From int64
	Full bool
	// FullAt is when the full pass this report relies on ran; NextFull is when the Monitor makes the next.
	FullAt, NextFull time.Time
	// Checkpoint is the status of the checkpoint given to Verify, with Extends and Problem filled in.
	Checkpoint *CheckpointStatus
	// Actors are the people and tokens who appear in the trail, by id, with the latest name each had,
	// sorted by name and id: gathered by the passes, so that the page needs no query over the whole trail
	// for them. Nil when the trail does not verify.
	Actors []Actor
}

// Verify checks orgID's trail, and whether it extends the checkpoint of st when st has one whose signature
// verifies, in one pass (see Monitor). st may be nil; the Report's Checkpoint is a copy of it, filled in. The
// error is a failure to read the trail; a trail that does not verify is a Report with a Break.
func (m *Monitor) Verify(ctx context.Context, orgID string, st *CheckpointStatus) (*Report, error) {
	s := m.org(orgID)
	arrived := s.started.Load()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last != nil && s.lastPass > arrived && sameCheckpoint(s.last.Checkpoint, st) {
		// A pass began after this request arrived and has ended: its result is as fresh as a new one.
		return s.last, nil
	}
	pass := s.started.Add(1)
	start := m.now()
	var cp *Checkpoint
	if st != nil && st.Problem == "" {
		cp = st.Checkpoint
	}
	full := s.seq == 0 || !start.Before(s.full.Add(m.fullEvery()))
	if cp != nil && cp.Entries > 0 && cp.Entries < s.seq && cp.Entries != s.markSeq {
		// The checkpoint's entry is before the last one verified and its hash was not kept: read from the
		// first entry to check it.
		full = true
	}
	v, br, seen, err := m.pass(ctx, orgID, s, cp, full)
	if err == nil && !full && br != nil && br.Seq == s.seq {
		// The entry verified before changed: read the whole chain, to tell where it breaks and whether the
		// checkpoint's entry is still the signed one.
		full = true
		v, br, seen, err = m.pass(ctx, orgID, s, cp, full)
	}
	if err != nil {
		return nil, err
	}
	rep := &Report{Entries: v.Count, Break: br, From: 1, Full: full, FullAt: start}
	if !full {
		rep.From, rep.FullAt = s.seq, s.full
	}
	if br == nil {
		s.seq, s.hash = v.Head()
		if full {
			s.full, s.actors = start, map[string]Actor{}
		}
		for id, a := range seen {
			s.actors[id] = a
		}
		rep.Actors = sortedActors(s.actors)
		if cp != nil {
			if h, ok := v.HashAt(cp.Entries); ok {
				s.markSeq, s.markHash = cp.Entries, h
			}
		}
	}
	rep.NextFull = s.full.Add(m.fullEvery())
	if st != nil {
		c := *st
		rep.Checkpoint = &c
		if cp != nil {
			m.check(rep, v, s)
		}
	}
	s.last, s.lastPass = rep, pass
	return rep, nil
}

// pass feeds orgID's trail to a Verifier: from the first entry when full, otherwise from the entry s
// verified last. A full pass also checks that entry still has its hash.
// It returns the actors of the entries it verified, by id, with the latest name each had.
func (m *Monitor) pass(ctx context.Context, orgID string, s *monitored, cp *Checkpoint, full bool) (*Verifier, *Break, map[string]Actor, error) {
	v := NewVerifierFrom(orgID, s.seq, s.hash)
	if full {
		v = NewVerifier(orgID)
		if s.seq > 0 {
			v.Watch(s.seq)
		}
	}
	seen := map[string]Actor{}
	v.OnVerified = func(e *Entry) { seen[e.ActorID] = Actor{ID: e.ActorID, Kind: e.ActorKind, Name: e.ActorName} }
	if cp != nil && cp.Entries >= v.Next() {
		v.Watch(cp.Entries)
	}
	err := m.Reader.VerifyActivityWith(ctx, orgID, v)
	var br *Break
	if err != nil && !errors.As(err, &br) {
		return nil, nil, nil, fmt.Errorf("cannot verify the activity trail: %w", err)
	}
	if h, ok := v.HashAt(s.seq); full && br == nil && s.seq > 0 && (!ok || h != s.hash) {
		// The chain verifies on its own, but not through the entry verified before: it was rewritten with
		// its hashes recomputed since.
		at := s.full.UTC().Format(time.RFC3339)
		br = &Break{OrgID: orgID, Seq: s.seq, Reason: fmt.Sprintf("it no longer has the hash it had when the trail was verified at %s (the entries up to it were rewritten and their hashes recomputed)", at)}
		if !ok {
			last, _ := v.Head()
			br.Reason = fmt.Sprintf("it was verified at %s and is gone: the trail now ends at entry %d (entries were deleted from its end)", at, last)
		}
		v.Count = s.seq - 1
	}
	return v, br, seen, nil
}

// sortedActors returns the actors of m sorted by name, then id.
func sortedActors(m map[string]Actor) []Actor {
	out := make([]Actor, 0, len(m))
	for _, a := range m {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Actor) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// check fills in whether the trail v verified in rep's pass extends rep's checkpoint: by the hash v saw at
// its entry, or, for an entry before the pass's first, by the hash the earlier passes saw there.
func (m *Monitor) check(rep *Report, v *Verifier, s *monitored) {
	st := rep.Checkpoint
	cp := st.Checkpoint
	var err error
	h, watched := v.HashAt(cp.Entries)
	switch {
	case watched && cp.OrgID == v.OrgID && h != cp.HeadHash:
		// The chain reached the checkpoint's entry with another hash: say so, even when it breaks later
		// at the entry verified before.
		err = cp.checkHead(h)
	case cp.Entries == 0 || cp.Entries >= rep.From:
		err = cp.Check(v)
	case cp.OrgID != v.OrgID:
		err = fmt.Errorf("the checkpoint is of organization %s, not %s", cp.OrgID, v.OrgID)
	default:
		err = cp.checkHead(s.markHash)
	}
	if err != nil {
		st.Problem = err.Error()
		return
	}
	st.Extends = true
}

// sameCheckpoint reports whether a and b are the same checkpoint status as read, before any pass.
func sameCheckpoint(a, b *CheckpointStatus) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if a.File != b.File || (a.Checkpoint == nil) != (b.Checkpoint == nil) {
		return false
	}
	return a.Checkpoint == nil || *a.Checkpoint == *b.Checkpoint
}

func (m *Monitor) org(orgID string) *monitored {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.orgs == nil {
		m.orgs = map[string]*monitored{}
	}
	s := m.orgs[orgID]
	if s == nil {
		s = &monitored{}
		m.orgs[orgID] = s
	}
	return s
}

func (m *Monitor) now() time.Time {
	if m.Now == nil {
		return time.Now()
	}
	return m.Now()
}

func (m *Monitor) fullEvery() time.Duration {
	if m.FullEvery <= 0 {
		return DefaultFullCheckEvery
	}
	return m.FullEvery
}
