package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob" // file:// buckets: the local directory, by default <data>/blobs
	"gocloud.dev/gcerrors"

	// The other bucket kinds a --blob-url may name: s3:// (AWS or any S3-compatible store) and mem://
	// (tests and throwaway demos).
	_ "gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob"

	"github.com/aimsproject/aims"
)

// DefaultMaxBytes is the largest evidence file aims takes when not configured otherwise (100 MiB).
const DefaultMaxBytes int64 = 100 << 20

// Blobs stores evidence files once each, under a key made of their sha256 (sha256/ab/cd/<hex>), in a
// gocloud.dev bucket: a local directory or S3-compatible object storage. Files are streamed in and out,
// never held whole in memory, and checked against their hash whenever they are read.
type Blobs struct {
	mu sync.Mutex
	b  *blob.Bucket
	// dir is the directory of a file:// store, opened (and made) at its first write, so that a command
	// that stores no file leaves no empty directory behind.
	dir string
	// MaxBytes bounds one file; Put refuses a larger one with ETOOLARGE, storing nothing.
	MaxBytes int64
}

// errNoStore says a local store's directory does not exist yet: nothing was ever stored.
var errNoStore = errors.New("evidence: the blob directory does not exist yet")

// bucket returns the open bucket; a local one is opened at first use, and its directory made when
// create is set (errNoStore otherwise).
func (bs *Blobs) bucket(create bool) (*blob.Bucket, error) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if bs.b != nil {
		return bs.b, nil
	}
	if _, err := os.Stat(bs.dir); os.IsNotExist(err) {
		if !create {
			return nil, errNoStore
		}
		if err := os.MkdirAll(bs.dir, 0o750); err != nil {
			return nil, fmt.Errorf("cannot make the blob directory %s: %w", bs.dir, err)
		}
	}
	// No attribute files beside the blobs: the key says all there is to know.
	b, err := fileblob.OpenBucket(bs.dir, &fileblob.Options{Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		return nil, fmt.Errorf("cannot open the blob directory %s: %w", bs.dir, err)
	}
	bs.b = b
	return b, nil
}

// NewBlobs returns Blobs over an open bucket, which Close closes.
func NewBlobs(b *blob.Bucket, maxBytes int64) *Blobs {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Blobs{b: b, MaxBytes: maxBytes}
}

// OpenBlobs opens the bucket named by rawURL: file:///DIR (made at the first write), s3://BUCKET?endpoint=...
// (credentials from the usual AWS environment variables or files) or mem://.
func OpenBlobs(ctx context.Context, rawURL string, maxBytes int64) (*Blobs, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("the blob URL is not a URL: %w", err)
	}
	if u.Scheme == "file" {
		bs := NewBlobs(nil, maxBytes)
		bs.dir = u.Path
		return bs, nil
	}
	b, err := blob.OpenBucket(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("cannot open the blob store %s://%s: %w", u.Scheme, u.Host, err)
	}
	return NewBlobs(b, maxBytes), nil
}

// DirURL returns the file:// URL of the local directory dir.
func DirURL(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// Close closes the bucket.
func (bs *Blobs) Close() error {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if bs.b == nil {
		return nil
	}
	return bs.b.Close()
}

// Key returns the key a file with the hex sha256 sum is stored under.
func Key(sum string) string { return "sha256/" + sum[:2] + "/" + sum[2:4] + "/" + sum }

// Blob is what Put learned of a stored file.
type Blob struct {
	SHA256 string
	Size   int64
	// Head is the file's first bytes (at most 512), for telling its media type.
	Head []byte
}

// Put streams r into the store: written under a temporary key while hashed, then copied to its content
// key unless a file with the same hash is there already, and the temporary key removed. A file over
// MaxBytes is ETOOLARGE, and nothing stays stored.
func (bs *Blobs) Put(ctx context.Context, r io.Reader) (*Blob, error) {
	bucket, err := bs.bucket(true)
	if err != nil {
		return nil, err
	}
	tmp := "tmp/" + aims.NewID()
	// Cancelling the writer's context before Close discards what it wrote.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := bucket.NewWriter(wctx, tmp, &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return nil, fmt.Errorf("cannot begin storing the file: %w", err)
	}
	h := sha256.New()
	head := &headWriter{max: 512}
	n, err := io.Copy(io.MultiWriter(w, h, head), io.LimitReader(r, bs.MaxBytes+1))
	if err == nil && n > bs.MaxBytes {
		err = bs.tooLarge()
	}
	if err != nil {
		cancel()
		_ = w.Close()
		_ = bucket.Delete(context.WithoutCancel(ctx), tmp)
		if aims.ErrorCode(err) != aims.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("cannot store the file: %w", err)
	}
	if err := w.Close(); err != nil {
		_ = bucket.Delete(context.WithoutCancel(ctx), tmp)
		return nil, fmt.Errorf("cannot store the file: %w", err)
	}
	b := &Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, Head: head.b}
	defer func() { _ = bucket.Delete(context.WithoutCancel(ctx), tmp) }()
	key := Key(b.SHA256)
	if ok, err := bucket.Exists(ctx, key); err != nil {
		return nil, fmt.Errorf("cannot look for the file in the store: %w", err)
	} else if ok {
		return b, nil // stored once: the same content is there already
	}
	if err := bucket.Copy(ctx, key, tmp, nil); err != nil {
		return nil, fmt.Errorf("cannot store the file under its hash: %w", err)
	}
	return b, nil
}

// TemporaryMaxAge is how old a temporary key must be before SweepTemporary removes it: far longer than
// any upload in progress takes.
const TemporaryMaxAge = 24 * time.Hour

// SweepTemporary removes the temporary keys Put left behind when the process stopped mid-upload (Put
// removes its own otherwise) that were last written before cutoff, and returns how many it removed. A
// store never written to has none.
func (bs *Blobs) SweepTemporary(ctx context.Context, cutoff time.Time) (int, error) {
	bucket, err := bs.bucket(false)
	if errors.Is(err, errNoStore) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	it := bucket.List(&blob.ListOptions{Prefix: "tmp/"})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("cannot list the temporary files of the blob store: %w", err)
		}
		if obj.IsDir || !obj.ModTime.Before(cutoff) {
			continue
		}
		if err := bucket.Delete(ctx, obj.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return n, fmt.Errorf("cannot remove the temporary file %s: %w", obj.Key, err)
		}
		n++
	}
}

func (bs *Blobs) tooLarge() error {
	return aims.Errorf(aims.ETOOLARGE, "The file is larger than %s, the most aims takes (AIMS_EVIDENCE_MAX_BYTES). Nothing was stored.", FormatSize(bs.MaxBytes))
}

// TooLarge is the error of a file over MaxBytes, for callers that find it out before Put does.
func (bs *Blobs) TooLarge() error { return bs.tooLarge() }

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	b   []byte
	max int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// Corrupt returns the error a stored file that no longer matches its hash is reported with.
func Corrupt(sum string) error {
	return aims.Errorf(aims.ECORRUPT, "The stored file no longer matches its sha256 %s: it is corrupt and is not served. Restore it from a backup or upload it again.", sum)
}

// Verify reads the whole stored file with sum and size, and reports ECORRUPT when it does not match them
// (ENOTFOUND-like absence is corruption too: the record says the file exists).
func (bs *Blobs) Verify(ctx context.Context, sum string, size int64) error {
	r, err := bs.Open(ctx, sum, size)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(io.Discard, r)
	return err
}

// Open returns a reader of the stored file with sum that checks it as it is read: at its end, a file
// whose length or hash differs from what was stored is an ECORRUPT error instead of io.EOF. Callers that
// must not let a byte of a corrupt file out call Verify first.
func (bs *Blobs) Open(ctx context.Context, sum string, size int64) (io.ReadCloser, error) {
	if len(sum) != 64 {
		return nil, Corrupt(sum)
	}
	bucket, err := bs.bucket(false)
	var r *blob.Reader
	if err == nil {
		r, err = bucket.NewReader(ctx, Key(sum), nil)
	}
	if errors.Is(err, errNoStore) || gcerrors.Code(err) == gcerrors.NotFound {
		return nil, aims.Errorf(aims.ECORRUPT, "The stored file with sha256 %s is missing from the blob store: it cannot be served. Restore it from a backup or upload it again.", sum)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the stored file: %w", err)
	}
	return &verifier{r: r, h: sha256.New(), sum: sum, size: size}, nil
}

type verifier struct {
	r    io.ReadCloser
	h    hash.Hash
	n    int64
	sum  string
	size int64
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.n > v.size {
		return n, Corrupt(v.sum)
	}
	if err == io.EOF && (v.n != v.size || hex.EncodeToString(v.h.Sum(nil)) != v.sum) {
		return n, Corrupt(v.sum)
	}
	return n, err
}

func (v *verifier) Close() error { return v.r.Close() }

// FormatSize writes n bytes for people: 512 B, 3.2 KiB, 100 MiB.
func FormatSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KiB"
	case n < 1<<30:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MiB"
	}
	return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<30))) + " GiB"
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
