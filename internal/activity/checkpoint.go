package activity

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// A Checkpoint is a signed statement that an organization's trail had Entries entries ending in HeadHash at
// time At. Kept outside the database (the way CloudTrail's digest files anchor its logs), it lets anyone with
// the public key tell whether the trail still extends it: someone who can write to the database can
// recompute every hash of the chain, but cannot make the entry at the checkpoint's count hash to the signed
// head again, nor sign a new checkpoint without the private key.
type Checkpoint struct {
	// Format and Version name the document; a verifier refuses formats it does not know.
	Format   string    `json:"format"`
	Version  int       `json:"version"`
	OrgID    string    `json:"org_id"`
	OrgSlug  string    `json:"org_slug"`
	Entries  int64     `json:"entries"`
	HeadHash string    `json:"head_hash"`
	At       time.Time `json:"at"`
	// KeyID names the signing key: the first 16 hex digits of the SHA-256 of its public key.
	KeyID string `json:"key_id"`
	// Signature is the base64 Ed25519 signature of SignedBytes.
	Signature string `json:"signature"`
}

// CheckpointFormat and CheckpointVersion are the Format and Version of the checkpoints written today.
const (
	CheckpointFormat  = "aims-activity-checkpoint"
	CheckpointVersion = 1
)

// maxCheckpointBytes bounds a checkpoint file read; a real one is under 500 bytes.
const maxCheckpointBytes = 64 << 10

// KeyID returns the key id of pub: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// NewCheckpoint returns the signed checkpoint of a trail of entries entries ending in headHash, at time at
// (kept to the microsecond, in UTC).
func NewCheckpoint(orgID, orgSlug string, entries int64, headHash string, at time.Time, key ed25519.PrivateKey) (*Checkpoint, error) {
	c := &Checkpoint{Format: CheckpointFormat, Version: CheckpointVersion, OrgID: orgID, OrgSlug: orgSlug,
		Entries: entries, HeadHash: headHash, At: at.UTC().Truncate(time.Microsecond),
		KeyID: KeyID(key.Public().(ed25519.PublicKey))}
	msg, err := c.SignedBytes()
	if err != nil {
		return nil, err
	}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))
	return c, nil
}

// SignedBytes returns what the signature covers: a fixed prefix, then the checkpoint as JSON without its
// signature, with the time in UTC. Every field a verifier relies on is inside.
func (c *Checkpoint) SignedBytes() ([]byte, error) {
	u := *c
	u.Signature = ""
	u.At = u.At.UTC()
	b, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("cannot encode checkpoint: %w", err)
	}
	return append([]byte(CheckpointFormat+"\n"), b...), nil
}

// Encode writes c as indented JSON.
func (c *Checkpoint) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

// DecodeCheckpoint reads a checkpoint document and checks its form (not its signature: see Verify). It
// refuses unknown fields, formats and versions, so that nothing a verifier ignores can ride along.
func DecodeCheckpoint(r io.Reader) (*Checkpoint, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxCheckpointBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read checkpoint: %w", err)
	}
	if len(b) > maxCheckpointBytes {
		return nil, errors.New("it is not a checkpoint: larger than 64 KiB")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Checkpoint
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("it is not a checkpoint: %w", err)
	}
	if dec.More() {
		return nil, errors.New("it is not a checkpoint: more than one JSON value")
	}
	switch {
	case c.Format != CheckpointFormat:
		return nil, fmt.Errorf("it is not a checkpoint: format %q, want %q", c.Format, CheckpointFormat)
	case c.Version != CheckpointVersion:
		return nil, fmt.Errorf("checkpoint version %d is not one this aims knows (it knows %d)", c.Version, CheckpointVersion)
	case c.OrgID == "":
		return nil, errors.New("the checkpoint names no organization")
	case c.Entries < 0:
		return nil, errors.New("the checkpoint's entry count is negative")
	case c.Signature == "":
		return nil, errors.New("the checkpoint is not signed")
	}
	if h, err := hex.DecodeString(c.HeadHash); err != nil || len(h) != sha256.Size {
		return nil, errors.New("the checkpoint's head hash is not a hex SHA-256")
	}
	return &c, nil
}

// Verify checks c's signature with pub. The error says whether another key signed it or the checkpoint was
// altered after signing.
func (c *Checkpoint) Verify(pub ed25519.PublicKey) error {
	if id := KeyID(pub); c.KeyID != id {
		return fmt.Errorf("it was signed by key %s, not by the given public key %s", c.KeyID, id)
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("its signature is not a base64 Ed25519 signature")
	}
	msg, err := c.SignedBytes()
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, msg, sig) {
		return errors.New("its signature does not verify: the checkpoint was altered after it was signed")
	}
	return nil
}

// Check reports whether the trail that v verified extends c: it returns nil, or an error that says how the
// trail falls short. v must have watched c.Entries (see Watch) and have been fed the whole trail. A trail
// extends a checkpoint when at least c.Entries entries verify from the first and the entry at c.Entries
// has c.HeadHash: since every hash covers the one before it, entries 1 to c.Entries are then the ones that
// were signed.
func (c *Checkpoint) Check(v *Verifier) error {
	if c.OrgID != v.OrgID {
		return fmt.Errorf("the checkpoint is of organization %s, not %s", c.OrgID, v.OrgID)
	}
	if c.Entries == 0 {
		return nil
	}
	if v.Count < c.Entries {
		return fmt.Errorf("the trail of %s has %d intact entries, fewer than the %d of the checkpoint of %s (entries were deleted, truncated or altered)",
			c.OrgSlug, v.Count, c.Entries, c.At.Format(time.RFC3339))
	}
	h, ok := v.HashAt(c.Entries)
	if !ok {
		return fmt.Errorf("entry %d was not watched while verifying", c.Entries)
	}
	return c.checkHead(h)
}

// checkHead reports whether h, the hash that entry c.Entries has in a chain verified from the first entry
// to at least that one, is the signed head.
func (c *Checkpoint) checkHead(h string) error {
	if h != c.HeadHash {
		return fmt.Errorf("entry %d of %s no longer has the head hash of the checkpoint of %s (the entries up to it were rewritten and their hashes recomputed)",
			c.Entries, c.OrgSlug, c.At.Format(time.RFC3339))
	}
	return nil
}
