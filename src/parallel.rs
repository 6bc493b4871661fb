//! Order-preserving work split across cores, for the stages of a large scan that
//! run while the other core would be idle (reading a plan, building the input).
//!
//! Written on `std::thread::scope` rather than with rayon: each stage splits once
//! into a few contiguous chunks, a chunk's thread keeps per-thread state (the plan
//! reader's shared-string table) for the whole chunk, and results, errors included,
//! come back in input order, so the first error reported is the first in the file.

/// `f` applied to contiguous chunks of `items`, one chunk per core (at most 4), each
/// of at least `min_chunk` items; the results in order. Small inputs stay on the
/// calling thread.
pub fn map_chunks<T, R>(items: &[T], min_chunk: usize, f: impl Fn(&[T]) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
        .min(items.len() / min_chunk.max(1))
        .max(1);
    if threads == 1 {
        return vec![f(items)];
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|chunk| s.spawn(move || f(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_come_back_in_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let sums = map_chunks(&items, 1000, |c| c.to_vec());
        assert_eq!(sums.concat(), items);
        let one = map_chunks(&items[..10], 1000, |c| c.len());
        assert_eq!(one, vec![10], "a small input is one chunk");
    }
}
