//! Ordered parallel mapping, written once: the pipeline's
//! [`annotate_iter`](crate::Pipeline::annotate_iter) maps its items through
//! [`ordered`] (batch by batch); the corpus runner and the JSONL stream
//! through [`ordered_each`] (a pipeline: the threads never wait for the
//! slowest item of a batch, nor for the caller's writing).

use std::collections::VecDeque;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use rayon::prelude::*;
use rayon::ThreadPool;

use crate::{Error, Result};

/// A pool of `jobs` threads, or `None` for 0 (the global pool: every core).
pub(crate) fn pool(jobs: usize) -> Result<Option<ThreadPool>> {
    if jobs == 0 {
        return Ok(None);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        // named, so that a profile tells them from the runner's other threads
        .thread_name(|i| format!("zhen-work-{i}"))
        .build()
        .map(Some)
        .map_err(|e| Error::Usage(format!("cannot start {jobs} threads: {e}")))
}

/// `items` mapped by `f` on `pool` (or the global pool), batch by batch —
/// a few items per thread, so memory stays bounded by the batch, not the
/// input — and yielded in input order on the calling thread: the output is
/// the same for any thread count.
pub(crate) fn ordered<'p, I, R, F>(
    pool: Option<&'p ThreadPool>,
    items: I,
    f: F,
) -> Ordered<'p, I, F, R>
where
    I: Iterator,
    I::Item: Send,
    R: Send,
    F: Fn(I::Item) -> R + Sync + Send,
{
    let threads = pool.map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
    Ordered {
        pool,
        items,
        f,
        batch: threads.max(1) * 4,
        ready: VecDeque::new(),
    }
}

/// The iterator of [`ordered`].
pub(crate) struct Ordered<'p, I, F, R> {
    pool: Option<&'p ThreadPool>,
    items: I,
    f: F,
    batch: usize,
    ready: VecDeque<R>,
}

impl<I, R, F> Iterator for Ordered<'_, I, F, R>
where
    I: Iterator,
    I::Item: Send,
    R: Send,
    F: Fn(I::Item) -> R + Sync + Send,
{
    type Item = R;

    fn next(&mut self) -> Option<R> {
        if self.ready.is_empty() {
            let chunk: Vec<I::Item> = self.items.by_ref().take(self.batch).collect();
            let f = &self.f;
            let work = move || chunk.into_par_iter().map(f).collect::<Vec<R>>();
            let done = match self.pool {
                Some(p) => p.install(work),
                None => work(),
            };
            self.ready.extend(done);
        }
        self.ready.pop_front()
    }
}

/// `items` mapped by `f` on `pool` (or the global pool), each result handed
/// to `consume` in input order on the calling thread, which also draws the
/// items: the output is the same for any thread count. Unlike [`ordered`],
/// the threads are kept busy: an item starts as soon as a thread is free
/// and at most a few items per thread are in flight (drawn, not yet
/// consumed), so memory stays bounded while `consume` (writing files) runs
/// beside the mapping instead of between batches: with one thread too,
/// where the calling thread's writing (waiting for `fsync`) would otherwise
/// stop the annotating. The first error of `consume`
/// ends the run (the items in flight are finished and dropped); a panic in
/// `f` is resumed on the calling thread.
pub(crate) fn ordered_each<I, R, F, E>(
    pool: Option<&ThreadPool>,
    items: I,
    f: F,
    mut consume: impl FnMut(R) -> std::result::Result<(), E>,
) -> std::result::Result<(), E>
where
    I: Iterator,
    I::Item: Send,
    R: Send,
    F: Fn(I::Item) -> R + Sync + Send,
{
    let threads = pool
        .map_or_else(rayon::current_num_threads, |p| p.current_num_threads())
        .max(1);
    if rayon::current_thread_index().is_some() {
        // called from a pool's thread: blocking it on the results could
        // starve the pool; batches do not block
        for r in ordered(pool, items, f) {
            consume(r)?;
        }
        return Ok(());
    }
    let window = threads * 4;
    match pool {
        Some(p) => p.in_place_scope(|s| pipeline(s, window, items, &f, consume)),
        None => rayon::in_place_scope(|s| pipeline(s, window, items, &f, consume)),
    }
}

/// [`ordered_each`]'s work with two or more threads: the calling thread
/// draws items and spawns them on `scope` while fewer than `window` are in
/// flight, and consumes the results in input order as they come.
fn pipeline<'s, I, R, F, E>(
    scope: &rayon::Scope<'s>,
    window: usize,
    items: I,
    f: &'s F,
    mut consume: impl FnMut(R) -> std::result::Result<(), E>,
) -> std::result::Result<(), E>
where
    I: Iterator,
    I::Item: Send + 's,
    R: Send + 's,
    F: Fn(I::Item) -> R + Sync,
{
    let (tx, rx) = mpsc::channel();
    let mut items = items.enumerate();
    // results that came early, by input index: ready[0] is item `next`
    let mut ready: VecDeque<Option<R>> = VecDeque::new();
    let mut next = 0usize;
    let mut drawn = 0usize;
    let mut exhausted = false;
    loop {
        while !exhausted && drawn - next < window {
            match items.next() {
                Some((i, item)) => {
                    let tx = tx.clone();
                    scope.spawn(move |_| {
                        let r = catch_unwind(AssertUnwindSafe(|| f(item)));
                        // the receiver is gone only after an error
                        let _ = tx.send((i, r));
                    });
                    drawn += 1;
                }
                None => exhausted = true,
            }
        }
        if next == drawn {
            return Ok(());
        }
        let (i, r) = rx.recv().expect("a sender is held here");
        let r = r.unwrap_or_else(|panic| resume_unwind(panic));
        let slot = i - next;
        if ready.len() <= slot {
            ready.resize_with(slot + 1, || None);
        }
        ready[slot] = Some(r);
        while let Some(Some(_)) = ready.front() {
            let r = ready.pop_front().flatten().expect("checked above");
            next += 1;
            consume(r)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_for_any_pool() {
        for jobs in [0, 1, 3] {
            let p = pool(jobs).unwrap();
            let out: Vec<u64> = ordered(p.as_ref(), 0..1000u64, |x| x * x).collect();
            assert_eq!(out, (0..1000u64).map(|x| x * x).collect::<Vec<_>>());
        }
    }

    #[test]
    fn ordered_each_consumes_in_input_order_for_any_pool() {
        for jobs in [0, 1, 2, 3] {
            let p = pool(jobs).unwrap();
            let mut out = Vec::new();
            // uneven work, so that later items finish first
            let r: Result<(), ()> = ordered_each(
                p.as_ref(),
                0..500u64,
                |x| {
                    if x % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(300));
                    }
                    x * x
                },
                |y| {
                    out.push(y);
                    Ok(())
                },
            );
            r.unwrap();
            assert_eq!(
                out,
                (0..500u64).map(|x| x * x).collect::<Vec<_>>(),
                "jobs {jobs}"
            );
        }
    }

    #[test]
    fn ordered_each_stops_at_the_first_error_of_consume() {
        let p = pool(2).unwrap();
        let mut seen = Vec::new();
        let r = ordered_each(
            p.as_ref(),
            0..1000u32,
            |x| x,
            |x| {
                seen.push(x);
                if x == 10 {
                    Err(x)
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err(10));
        assert_eq!(seen, (0..=10).collect::<Vec<_>>());
    }

    #[test]
    fn ordered_each_resumes_a_panic_of_f() {
        let p = pool(2).unwrap();
        let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let _ = ordered_each(
                p.as_ref(),
                0..100u32,
                |x| {
                    assert!(x != 50, "item 50");
                    x
                },
                |_| Ok::<(), ()>(()),
            );
        }));
        assert!(r.is_err());
    }
}
