package account

import (
	"sync"
	"time"
)

// DefaultAuthCacheTTL is how long a replica may go on trusting a token or session it looked up. It bounds how
// late another replica notices a revoked token, an ended session or a changed membership; the replica that
// makes such a change forgets everything it cached at once.
const DefaultAuthCacheTTL = 5 * time.Second

// authCacheMax bounds the entries kept; when full, the cache starts again empty.
const authCacheMax = 10000

// authCache remembers recent successful token and session lookups by secret hash, each for at most ttl, so
// that an API request does not read the token, its creator's membership and the organization's slug again
// for every call. Failed lookups are not cached. forget drops everything and starts a new generation: a
// lookup that began before it cannot put its (possibly stale) answer back.
type authCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string]authEntry
}

// authEntry is one cached lookup: a token with its creator's membership, or a session with its user.
type authEntry struct {
	expires time.Time
	token   *Token
	member  *Membership
	session *Session
	user    *User
}

// generation returns the generation to pass to put for a lookup that starts now.
func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns a copy of the entry for hash, if there is one that has not expired at now.
func (c *authCache) get(hash string, now time.Time) (authEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok {
		return authEntry{}, false
	}
	if !now.Before(e.expires) {
		delete(c.entries, hash)
		return authEntry{}, false
	}
	return e.clone(), true
}

// put remembers e for hash, unless the cache was forgotten since gen was read.
func (c *authCache) put(gen uint64, hash string, e authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= authCacheMax {
		c.entries = make(map[string]authEntry)
	}
	c.entries[hash] = e.clone()
}

// update changes the cached entry for hash in place (keeping its expiry), if there is one.
func (c *authCache) update(hash string, fn func(e *authEntry)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok {
		e = e.clone()
		fn(&e)
		c.entries[hash] = e
	}
}

// forget drops every entry, and every lookup still in flight.
func (c *authCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}

// clone copies the records of e, so that callers may change what they are given.
func (e authEntry) clone() authEntry {
	if e.token != nil {
		t := *e.token
		e.token = &t
	}
	if e.member != nil {
		m := *e.member
		e.member = &m
	}
	if e.session != nil {
		s := *e.session
		e.session = &s
	}
	if e.user != nil {
		u := *e.user
		e.user = &u
	}
	return e
}
