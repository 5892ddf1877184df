//! Ordered parallel batching, written once: the pipeline's
//! [`annotate_iter`](crate::Pipeline::annotate_iter), the corpus runner and
//! the JSONL stream all map their items through [`ordered`].

use std::collections::VecDeque;

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
}
