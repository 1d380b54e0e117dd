package activity_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/activity"
)

// chain returns an intact trail of n entries of organization "o".
func chain(t *testing.T, n int) []activity.Entry {
	t.Helper()
	es := make([]activity.Entry, n)
	prev := activity.GenesisHash
	for i := range es {
		e := activity.Entry{OrgID: "o", Seq: int64(i + 1), ID: "id", At: time.Unix(int64(i), 0).UTC(), ActorKind: "user",
			ActorID: "u", ActorName: "Ada", Action: "update", RecordType: "organization", RecordID: "o",
			Before: json.RawMessage(`null`), After: json.RawMessage(`{"n":1}`), PrevHash: prev}
		h, err := activity.ComputeHash(e)
		if err != nil {
			t.Fatal(err)
		}
		e.Hash, prev = h, h
		es[i] = e
	}
	return es
}

// recompute rewrites every hash of es from the first, as someone with write access to the database can.
func recompute(t *testing.T, es []activity.Entry) {
	t.Helper()
	prev := activity.GenesisHash
	for i := range es {
		es[i].PrevHash = prev
		h, err := activity.ComputeHash(es[i])
		if err != nil {
			t.Fatal(err)
		}
		es[i].Hash, prev = h, h
	}
}

// trail is a ChainReader over entries in memory, with the head as the database records it.
type trail struct {
	es      []activity.Entry
	headSeq int64
	head    string
}

func newTrail(es []activity.Entry) *trail {
	tr := &trail{es: es, head: activity.GenesisHash}
	if len(es) > 0 {
		tr.headSeq, tr.head = es[len(es)-1].Seq, es[len(es)-1].Hash
	}
	return tr
}

func (tr *trail) VerifyActivityWith(_ context.Context, _ string, v *activity.Verifier) error {
	for _, e := range tr.es {
		if e.Seq < v.Next() {
			continue
		}
		if err := v.Add(e); err != nil {
			return err
		}
	}
	return v.Finish(tr.headSeq, tr.head)
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// check verifies tr and tells whether it extends cp.
func check(t *testing.T, tr *trail, cp *activity.Checkpoint) error {
	t.Helper()
	v := activity.NewVerifier("o")
	v.Watch(cp.Entries)
	_ = tr.VerifyActivityWith(context.Background(), "o", v)
	return cp.Check(v)
}

func TestATrailExtendsItsCheckpointAsItGrows(t *testing.T) {
	key := newKey(t)
	es := chain(t, 8)
	cp, err := activity.TakeCheckpoint(context.Background(), newTrail(es[:5]), "o", "acme", key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if cp.Entries != 5 || cp.HeadHash != es[4].Hash {
		t.Fatalf("checkpoint %+v, want entries 5 and the hash of entry 5", cp)
	}
	if err := cp.Verify(key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{5, 8} {
		if err := check(t, newTrail(es[:n]), cp); err != nil {
			t.Errorf("a trail of %d entries does not extend the checkpoint of 5: %v", n, err)
		}
	}
	empty, err := activity.TakeCheckpoint(context.Background(), newTrail(nil), "o", "acme", key, time.Now())
	if err != nil || empty.Entries != 0 || empty.HeadHash != activity.GenesisHash {
		t.Fatalf("checkpoint of an empty trail: %+v, %v", empty, err)
	}
	if err := check(t, newTrail(es), empty); err != nil {
		t.Errorf("a trail does not extend the checkpoint of its empty start: %v", err)
	}
}

// TestARecomputedChainDoesNotExtendTheCheckpoint is the attack of issue 9: alter an entry, recompute every
// hash with ComputeHash and rewrite the head. The chain verifies on its own; the checkpoint catches it.
func TestARecomputedChainDoesNotExtendTheCheckpoint(t *testing.T) {
	key := newKey(t)
	es := chain(t, 6)
	cp, err := activity.TakeCheckpoint(context.Background(), newTrail(es[:4]), "o", "acme", key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	es[1].ActorName = "someone else"
	recompute(t, es)
	tr := newTrail(es)
	if err := tr.VerifyActivityWith(context.Background(), "o", activity.NewVerifier("o")); err != nil {
		t.Fatalf("the recomputed chain should verify on its own (that is the attack): %v", err)
	}
	err = check(t, tr, cp)
	if err == nil || !strings.Contains(err.Error(), "entry 4 of acme no longer has the head hash") {
		t.Fatalf("check = %v, want entry 4 named as rewritten", err)
	}
}

func TestAShorterTrailDoesNotExtendTheCheckpoint(t *testing.T) {
	key := newKey(t)
	es := chain(t, 6)
	cp, err := activity.TakeCheckpoint(context.Background(), newTrail(es), "o", "acme", key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for name, tr := range map[string]*trail{
		"truncated":              newTrail(nil),
		"cut at the end":         newTrail(es[:3]),
		"altered before its end": {es: append(append([]activity.Entry{}, es[:2]...), func() activity.Entry { e := es[2]; e.ActorName = "x"; return e }()), headSeq: 6, head: es[5].Hash},
	} {
		if err := check(t, tr, cp); err == nil || !strings.Contains(err.Error(), "fewer than the 6 of the checkpoint") {
			t.Errorf("%s: check = %v, want fewer entries than the checkpoint", name, err)
		}
	}
}

func TestATamperedCheckpointIsRefused(t *testing.T) {
	key := newKey(t)
	pub := key.Public().(ed25519.PublicKey)
	es := chain(t, 3)
	cp, err := activity.TakeCheckpoint(context.Background(), newTrail(es), "o", "acme", key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := cp.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := activity.DecodeCheckpoint(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(pub); err != nil {
		t.Fatalf("a checkpoint read back does not verify: %v", err)
	}
	// Lower the count to one that the rewritten trail would satisfy: the signature no longer holds.
	lowered := *back
	lowered.Entries = 1
	lowered.HeadHash = es[0].Hash
	if err := lowered.Verify(pub); err == nil || !strings.Contains(err.Error(), "signature does not verify") {
		t.Errorf("altered checkpoint: %v, want the signature refused", err)
	}
	flipped := *back
	sig := []byte(flipped.Signature)
	sig[3] ^= 1
	flipped.Signature = string(sig)
	if err := flipped.Verify(pub); err == nil {
		t.Error("a flipped signature verifies")
	}
	other := newKey(t)
	if err := back.Verify(other.Public().(ed25519.PublicKey)); err == nil || !strings.Contains(err.Error(), "signed by key") {
		t.Errorf("another key: %v, want the key id named", err)
	}
	// A checkpoint signed by another key under this key's id does not verify either.
	forged, _ := activity.NewCheckpoint("o", "acme", 1, es[0].Hash, time.Now(), other)
	forged.KeyID = back.KeyID
	if err := forged.Verify(pub); err == nil {
		t.Error("a checkpoint signed by another key verifies")
	}
}

func TestDecodeCheckpointRefusesWhatIsNotOne(t *testing.T) {
	for name, doc := range map[string]string{
		"not JSON":       `hello`,
		"other format":   `{"format":"x","version":1,"org_id":"o","entries":1,"head_hash":"` + activity.GenesisHash + `","signature":"x"}`,
		"future version": `{"format":"aims-activity-checkpoint","version":2,"org_id":"o","entries":1,"head_hash":"` + activity.GenesisHash + `","signature":"x"}`,
		"unknown field":  `{"format":"aims-activity-checkpoint","version":1,"org_id":"o","entries":1,"head_hash":"` + activity.GenesisHash + `","signature":"x","extra":1}`,
		"bad hash":       `{"format":"aims-activity-checkpoint","version":1,"org_id":"o","entries":1,"head_hash":"zz","signature":"x"}`,
		"unsigned":       `{"format":"aims-activity-checkpoint","version":1,"org_id":"o","entries":1,"head_hash":"` + activity.GenesisHash + `"}`,
		"two values":     `{"format":"aims-activity-checkpoint","version":1,"org_id":"o","entries":1,"head_hash":"` + activity.GenesisHash + `","signature":"x"} {}`,
		"too large":      strings.Repeat(" ", 70<<10),
	} {
		if _, err := activity.DecodeCheckpoint(strings.NewReader(doc)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func TestKeyFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.key")
	pub, err := activity.GenerateKeyFiles(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key file mode %v, %v; want 0600", fi.Mode(), err)
	}
	priv, err := activity.ReadPrivateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	pub2, err := activity.ReadPublicKey(path + ".pub")
	if err != nil || !pub.Equal(pub2) || !pub.Equal(priv.Public()) {
		t.Fatalf("the key files do not hold one pair: %v", err)
	}
	if _, err := activity.GenerateKeyFiles(path); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Fatalf("second keygen: %v, want a refusal", err)
	}
	if again, _ := activity.ReadPrivateKey(path); !again.Equal(priv) {
		t.Fatal("the refused keygen changed the key")
	}
	if _, err := activity.ReadPublicKey(path); err == nil {
		t.Error("a private key file reads as a public key")
	}
	if _, err := activity.ReadPrivateKey(path + ".pub"); err == nil {
		t.Error("a public key file reads as a private key")
	}
}

func TestCheckpointDirKeepsOneFilePerPeriod(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	cps := &activity.Checkpoints{Dir: activity.CheckpointDir(dir), Key: key, Interval: time.Hour}
	es := chain(t, 3)
	now := time.Date(2026, 12, 6, 3, 40, 0, 0, time.UTC)
	name, wrote, err := cps.Write(context.Background(), newTrail(es[:2]), "o", "acme", now)
	if err != nil || !wrote || filepath.Base(name) != "20261206T030000Z-acme.json" {
		t.Fatalf("Write = %s, %v, %v", name, wrote, err)
	}
	// Another replica in the same period writes nothing and leaves the file as it was.
	before, _ := os.ReadFile(name)
	if _, wrote, err := cps.Write(context.Background(), newTrail(es), "o", "acme", now.Add(10*time.Minute)); err != nil || wrote {
		t.Fatalf("second Write in the period = %v, %v", wrote, err)
	}
	// Two racing writers of one period: one file, and it verifies.
	cp, _ := activity.TakeCheckpoint(context.Background(), newTrail(es), "o", "acme", key, now)
	if _, wrote, err := cps.Dir.Write(cp, cps.Slot(now)); err != nil || wrote {
		t.Fatalf("racing Write = %v, %v", wrote, err)
	}
	if after, _ := os.ReadFile(name); !bytes.Equal(before, after) {
		t.Fatal("a second writer changed the period's file")
	}
	if _, _, err := cps.Write(context.Background(), newTrail(es), "o", "acme-x", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cps.Write(context.Background(), newTrail(es), "o", "acme", now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	latest, err := cps.Dir.Latest("acme")
	if err != nil || filepath.Base(latest) != "20261206T050000Z-acme.json" {
		t.Fatalf("Latest = %s, %v", latest, err)
	}
	st, err := cps.Latest(context.Background(), newTrail(es), "o", "acme")
	if err != nil || !st.Extends || st.Checkpoint.Entries != 3 {
		t.Fatalf("status %+v, %v", st, err)
	}
	es[0].ActorName = "x"
	recompute(t, es)
	st, err = cps.Latest(context.Background(), newTrail(es), "o", "acme")
	if err != nil || st.Extends || !strings.Contains(st.Problem, "no longer has the head hash") {
		t.Fatalf("status after a rewrite %+v, %v", st, err)
	}
	if st, err := cps.Latest(context.Background(), newTrail(es), "p", "nobody"); err != nil || st != nil {
		t.Fatalf("status without checkpoints %+v, %v", st, err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 {
		t.Fatalf("%d files in the directory, want 3 (no leftovers)", len(ents))
	}
}
