// Package aibomtest holds what the tests and benchmarks of CycloneDX import share: a generator of large,
// schema-valid BOMs and the peak-heap and CPU-time probes the benchmarks report.
package aibomtest

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/metrics"
	"syscall"
	"time"
)

// BigBOM builds a CycloneDX 1.6 BOM of about size bytes: one model in ten (with a model card naming a
// data set), the rest libraries with a purl, a hash and a licence, and one dependency per component.
// 20 MiB hold about 62,000 components.
func BigBOM(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,"components":[`)
	var deps bytes.Buffer
	for i := 0; b.Len()+deps.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
			deps.WriteByte(',')
		}
		if i%10 == 0 {
			fmt.Fprintf(&b, `{"bom-ref":"m%d","type":"machine-learning-model","name":"model-%d","version":"1.%d","licenses":[{"license":{"id":"Apache-2.0"}}],"modelCard":{"modelParameters":{"task":"text-classification","datasets":[{"ref":"d%d"}]},"quantitativeAnalysis":{"performanceMetrics":[{"type":"accuracy","value":"0.9"}]}}}`, i, i, i, i)
		} else {
			fmt.Fprintf(&b, `{"bom-ref":"c%d","type":"library","group":"org.example","name":"lib-%d","version":"1.0.%d","purl":"pkg:maven/org.example/lib-%d@1.0.%d","hashes":[{"alg":"SHA-256","content":"%064x"}],"licenses":[{"license":{"id":"MIT"}}]}`, i, i, i, i, i, i)
		}
		fmt.Fprintf(&deps, `{"ref":"c%d","dependsOn":["m%d"]}`, i, i/10*10)
	}
	b.WriteString(`],"dependencies":[`)
	b.Write(deps.Bytes())
	b.WriteString(`]}`)
	return b.Bytes()
}

// CPUTime is the CPU time the process has used, user and system; 0 where it cannot be read.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// HeapPeak samples the bytes of live and not yet swept heap objects every millisecond until the returned
// function is called, which returns the highest sample above the level at the start (the input and the
// caller's own data), that is about the peak heap of what ran in between.
func HeapPeak() func() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var top uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				metrics.Read(s)
				top = max(top, s[0].Value.Uint64())
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		if top < base {
			return 0
		}
		return top - base
	}
}

// Trivial builds a CycloneDX 1.6 BOM of n trivial library components (a name and a version each, no
// dependencies): the smallest valid BOM of that many items, as an importer that counts them sees it.
func Trivial(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"bom-ref":"c%d","type":"library","name":"lib-%06d","version":"1"}`, i, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}
