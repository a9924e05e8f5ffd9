package nn

import (
	"runtime"
	"sync"
)

// Exec is an execution context: the number of workers that kernels split
// their work across and the scratch buffers the kernels reuse. An Exec is
// used by one goroutine at a time (distinct Execs may run concurrently);
// the work it hands out runs on a shared, lazily started pool of
// goroutines that live for the rest of the process.
//
// Work is always split over disjoint output elements and every output
// element is computed by one worker in a fixed order, so results are
// bit-identical for every number of workers.
type Exec struct {
	workers int
	wg      sync.WaitGroup

	bpack []float64   // packed B block, shared by the workers
	apack [][]float64 // packed A panel, one per worker
	tiles [][mr * nr]float64
	gj    gemmJob
}

// NewExec returns an execution context with the given number of workers;
// workers ≤ 0 means runtime.GOMAXPROCS(0).
func NewExec(workers int) *Exec {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &Exec{workers: workers}
}

// Workers returns the number of workers.
func (e *Exec) Workers() int { return e.workers }

// runner is a unit of parallel work over the index range [lo, hi),
// executed by worker w.
type runner interface {
	run(w, lo, hi int)
}

type task struct {
	r         runner
	w, lo, hi int
	wg        *sync.WaitGroup
}

var pool struct {
	mu      sync.Mutex
	started int
	ch      chan task
}

func ensureWorkers(n int) {
	pool.mu.Lock()
	if pool.ch == nil {
		pool.ch = make(chan task, 256)
	}
	for pool.started < n {
		pool.started++
		go func(ch chan task) {
			for t := range ch {
				t.r.run(t.w, t.lo, t.hi)
				t.wg.Done()
			}
		}(pool.ch)
	}
	pool.mu.Unlock()
}

// parallel runs r over [0, n) split into at most e.workers contiguous
// ranges, the first on the calling goroutine. grain is the smallest range
// worth a worker.
func (e *Exec) parallel(r runner, n, grain int) {
	w := e.workers
	if grain < 1 {
		grain = 1
	}
	if m := n / grain; w > m {
		w = m
	}
	if w <= 1 {
		if n > 0 {
			r.run(0, 0, n)
		}
		return
	}
	ensureWorkers(w - 1)
	e.wg.Add(w - 1)
	for i := 1; i < w; i++ {
		pool.ch <- task{r: r, w: i, lo: n * i / w, hi: n * (i + 1) / w, wg: &e.wg}
	}
	r.run(0, 0, n/w)
	e.wg.Wait()
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
