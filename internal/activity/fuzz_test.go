package activity_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aimsproject/aims/internal/activity"
)

// FuzzComputeHash hashes arbitrary entries: no panic; an error only when before or after is not JSON;
// otherwise a hex SHA-256 that is the same for the same content however before and after are spaced, and
// that changes with the previous hash.
func FuzzComputeHash(f *testing.F) {
	f.Add("org", int64(1), "id", int64(0), "user", "u1", "Ada", "create", "organization", "r1", []byte(`null`), []byte(`{"a": 1}`), activity.GenesisHash)
	f.Add("", int64(-5), "", int64(-1<<62), "", "", "", "", "", "", []byte(``), []byte(``), "")
	f.Add("o", int64(1<<62), "x", int64(1<<62), "token", "t", "\u2028", "revoke", "api_token", "t", []byte(` [1, {"b" : null}] `), []byte(`"s"`), "zz")
	f.Add("o", int64(2), "x", int64(7), "system", "s", "aims", "update", "user", "u", []byte(`{"a":`), []byte(`{}`), "00")
	f.Add("o", int64(2), "x", int64(7), "system", "s", "aims", "update", "user", "u", []byte("\xff"), []byte(`{}`), "00")
	f.Fuzz(func(t *testing.T, org string, seq int64, id string, at int64, kind, actorID, actorName, action, recType, recID string,
		before, after []byte, prev string) {
		e := activity.Entry{OrgID: org, Seq: seq, ID: id, At: time.Unix(0, at), ActorKind: kind, ActorID: actorID,
			ActorName: actorName, Action: action, RecordType: recType, RecordID: recID, Before: before, After: after, PrevHash: prev}
		h, err := activity.ComputeHash(e)
		valid := (len(before) == 0 || json.Valid(before)) && (len(after) == 0 || json.Valid(after))
		if err != nil {
			if valid {
				t.Fatalf("ComputeHash failed on valid JSON: %v", err)
			}
			return
		}
		if !valid {
			t.Fatalf("ComputeHash accepted before %q / after %q, which are not JSON", before, after)
		}
		if b, err := hex.DecodeString(h); err != nil || len(b) != 32 {
			t.Fatalf("hash %q is not a hex SHA-256", h)
		}
		// Re-spacing before does not change the hash: it covers the compact form.
		if len(before) > 0 {
			var spaced bytes.Buffer
			if err := json.Indent(&spaced, before, " ", "\t"); err != nil {
				t.Fatal(err)
			}
			e2 := e
			e2.Before = spaced.Bytes()
			if h2, err := activity.ComputeHash(e2); err != nil || h2 != h {
				t.Fatalf("re-spaced before %q hashes to %s, not %s (%v)", spaced.Bytes(), h2, h, err)
			}
		}
		e3 := e
		e3.PrevHash = prev + "0"
		if h3, _ := activity.ComputeHash(e3); h3 == h {
			t.Fatal("the hash does not cover the previous hash")
		}
	})
}

// FuzzVerifier builds a chain from fuzzed content, checks that it verifies, then alters one entry and
// checks that the verifier breaks exactly there. Arbitrary entries fed to a fresh verifier never panic.
func FuzzVerifier(f *testing.F) {
	f.Add(uint8(3), "Ada", []byte(`{"name":"x"}`), uint8(1), "Eve", int64(0), "")
	f.Add(uint8(1), "", []byte(`null`), uint8(0), "", int64(5), "ffff")
	f.Add(uint8(10), "token ci (a@example.com)", []byte(`[1,2,3]`), uint8(9), "token ci (b@example.com)", int64(-3), activity.GenesisHash)
	f.Fuzz(func(t *testing.T, n uint8, name string, after []byte, alter uint8, newName string, badSeq int64, badPrev string) {
		// Arbitrary single entries: an error or nil, never a panic.
		v := activity.NewVerifier("o")
		_ = v.Add(activity.Entry{OrgID: "o", Seq: badSeq, PrevHash: badPrev, Before: after, After: after})
		_ = v.Finish(badSeq, badPrev)

		if !json.Valid(after) {
			after = []byte(`null`)
		}
		n = n%20 + 1
		alter %= n
		chain := make([]activity.Entry, n)
		prev := activity.GenesisHash
		for i := range chain {
			e := activity.Entry{OrgID: "o", Seq: int64(i + 1), ID: "id", At: time.Unix(int64(i), 0).UTC(), ActorKind: "user",
				ActorID: "u", ActorName: name, Action: "update", RecordType: "organization", RecordID: "o",
				Before: json.RawMessage(`null`), After: after, PrevHash: prev}
			h, err := activity.ComputeHash(e)
			if err != nil {
				t.Fatal(err)
			}
			e.Hash, prev = h, h
			chain[i] = e
		}
		v = activity.NewVerifier("o")
		for _, e := range chain {
			if err := v.Add(e); err != nil {
				t.Fatalf("an intact chain breaks: %v", err)
			}
		}
		if err := v.Finish(int64(n), prev); err != nil || v.Count != int64(n) {
			t.Fatalf("an intact chain of %d does not finish: %v (count %d)", n, err, v.Count)
		}
		// Names that are not UTF-8 are left out: the canonical JSON turns every invalid byte into U+FFFD, so
		// swapping one invalid byte for another does not change the hash (nor what anyone can read).
		if newName == name || !utf8.ValidString(name) || !utf8.ValidString(newName) {
			return
		}
		chain[alter].ActorName = newName
		v = activity.NewVerifier("o")
		var err error
		for _, e := range chain {
			if err = v.Add(e); err != nil {
				break
			}
		}
		var br *activity.Break
		if !errors.As(err, &br) || br.Seq != int64(alter)+1 {
			t.Fatalf("altering entry %d gave %v, want a break there", alter+1, err)
		}
	})
}

// FuzzDecodeCheckpoint decodes arbitrary documents: no panic; a document it accepts encodes and decodes
// back to the same checkpoint, whose signature verifies only if it did before.
func FuzzDecodeCheckpoint(f *testing.F) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	cp, _ := activity.NewCheckpoint("o", "acme", 3, activity.GenesisHash, time.Unix(1e9, 0), key)
	var good bytes.Buffer
	_ = cp.Encode(&good)
	f.Add(good.Bytes())
	f.Add([]byte(`{"format":"aims-activity-checkpoint","version":1,"org_id":"o","entries":-1,"head_hash":"","signature":""}`))
	f.Add([]byte(`{"format":"aims-activity-checkpoint","version":1,"org_id":"o","entries":1,"head_hash":"` + activity.GenesisHash + `","at":"2026-01-01T00:00:00+02:00","signature":"AA=="}`))
	f.Add([]byte(`[]`))
	pub := key.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := activity.DecodeCheckpoint(bytes.NewReader(doc))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := c.Encode(&buf); err != nil {
			t.Fatalf("cannot encode a decoded checkpoint: %v", err)
		}
		back, err := activity.DecodeCheckpoint(&buf)
		if err != nil {
			t.Fatalf("a re-encoded checkpoint does not decode: %v\n%s", err, buf.Bytes())
		}
		if (c.Verify(pub) == nil) != (back.Verify(pub) == nil) {
			t.Fatalf("encoding changed whether the signature verifies:\n%s\n%s", doc, buf.Bytes())
		}
	})
}
