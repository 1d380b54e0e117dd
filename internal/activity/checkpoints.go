package activity

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"time"
)

// ChainReader feeds an organization's whole trail and its recorded head to a Verifier (the store does).
type ChainReader interface {
	VerifyActivityWith(ctx context.Context, orgID string, v *Verifier) error
}

// TakeCheckpoint verifies orgID's trail and returns a checkpoint of it signed with key at time now. A trail
// that does not verify gets no checkpoint: the error is the *Break, so that a signature never vouches for
// a trail that was tampered with already.
func TakeCheckpoint(ctx context.Context, r ChainReader, orgID, slug string, key ed25519.PrivateKey, now time.Time) (*Checkpoint, error) {
	v := NewVerifier(orgID)
	if err := r.VerifyActivityWith(ctx, orgID, v); err != nil {
		return nil, err
	}
	seq, hash := v.Head()
	return NewCheckpoint(orgID, slug, seq, hash, now, key)
}

// Checkpoints is the server's scheduled checkpointing: the directory it writes to, the key it signs with
// and how often.
type Checkpoints struct {
	Dir      CheckpointDir
	Key      ed25519.PrivateKey
	Interval time.Duration
}

// Slot returns the start of the period now falls in; each organization gets one checkpoint per period.
func (c *Checkpoints) Slot(now time.Time) time.Time { return now.UTC().Truncate(c.Interval) }

// Write takes a checkpoint of orgID's trail and stores it in the directory under the period of now,
// unless that period has one already. It returns the file name and whether this call wrote it.
func (c *Checkpoints) Write(ctx context.Context, r ChainReader, orgID, slug string, now time.Time) (string, bool, error) {
	slot := c.Slot(now)
	name := c.Dir.Name(slot, slug)
	if _, err := os.Stat(name); err == nil {
		return name, false, nil
	}
	cp, err := TakeCheckpoint(ctx, r, orgID, slug, c.Key, now)
	if err != nil {
		return name, false, err
	}
	return c.Dir.Write(cp, slot)
}

// CheckpointStatus tells whether an organization's trail extends its latest checkpoint.
type CheckpointStatus struct {
	// File is the checkpoint's file name; Checkpoint is nil when it could not be read.
	File       string
	Checkpoint *Checkpoint
	// Extends is true when the checkpoint's signature verifies and the trail extends it; Problem says why
	// not otherwise.
	Extends bool
	Problem string
}

// Latest returns the status of slug's newest checkpoint in the directory, or nil when it has none. Problem
// texts name no server path. Its Verifier pass reads the whole trail once.
func (c *Checkpoints) Latest(ctx context.Context, r ChainReader, orgID, slug string) (*CheckpointStatus, error) {
	st := c.Read(slug)
	if st == nil || st.Checkpoint == nil || st.Problem != "" {
		return st, nil
	}
	v := NewVerifier(orgID)
	v.Watch(st.Checkpoint.Entries)
	err := r.VerifyActivityWith(ctx, orgID, v)
	var br *Break
	if err != nil && !errors.As(err, &br) {
		return nil, fmt.Errorf("cannot verify the activity trail against checkpoint %s: %w", st.File, err)
	}
	if err := st.Checkpoint.Check(v); err != nil {
		st.Problem = err.Error()
		return st, nil
	}
	st.Extends = true
	return st, nil
}

// Read returns slug's newest checkpoint in the directory with its signature checked, or nil when it has
// none: Checkpoint is set when the file decodes, and Problem says why it cannot be trusted (no server path).
// Whether the trail extends it is for a verifying pass to tell (Latest, Monitor.Verify).
func (c *Checkpoints) Read(slug string) *CheckpointStatus {
	name, err := c.Dir.Latest(slug)
	if err != nil {
		return &CheckpointStatus{Problem: "the checkpoint directory cannot be read"}
	}
	if name == "" {
		return nil
	}
	st := &CheckpointStatus{File: name}
	f, err := os.Open(name)
	if err != nil {
		st.Problem = "the checkpoint file cannot be read"
		return st
	}
	cp, err := DecodeCheckpoint(f)
	f.Close()
	if err != nil {
		st.Problem = err.Error()
		return st
	}
	st.Checkpoint = cp
	if err := cp.Verify(c.Key.Public().(ed25519.PublicKey)); err != nil {
		st.Problem = err.Error()
	}
	return st
}
