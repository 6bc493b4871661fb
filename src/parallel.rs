//! Order-preserving work split across cores, for the stages of a large scan that
//! run while the other core would be idle (reading a plan, building the input).
//!
//! Written on `std::thread::scope` rather than with rayon: each stage splits once
//! into a few contiguous chunks, a chunk's thread keeps per-thread state (the plan
//! reader's shared-string table) for the whole chunk, and results, errors included,
//! come back in input order, so the first error reported is the first in the file.

/// The threads a stage splits into: one per core, at most 4 (beyond that, the
/// stages' serial parts and memory grow more than their time shrinks).
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

/// `f` applied to contiguous chunks of `items`, one chunk per core (at most 4), each
/// of at least `min_chunk` items; the results in order. Small inputs stay on the
/// calling thread.
pub fn map_chunks<T, R>(items: &[T], min_chunk: usize, f: impl Fn(&[T]) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = cores().min(items.len() / min_chunk.max(1)).max(1);
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

/// `f` applied to each of `items`, on all cores (at most 4), each thread taking the
/// next item when it is done with one, so items of very different cost still end
/// together; the results in order.
pub fn map_each<T, R>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R>
where
    T: Send,
    R: Send,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let threads = cores().min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let next = AtomicUsize::new(0);
    let (f, slots, next) = (&f, &slots, &next);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(slot) = slots.get(i) else { break };
                        // Each index is claimed once, so its item is always there.
                        let item = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
                        if let Some(item) = item {
                            out.push((i, f(item)));
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
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

    #[test]
    fn each_item_comes_back_in_order() {
        let items: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let lens = map_each(items.clone(), |s| s + "!");
        assert_eq!(
            lens,
            items.iter().map(|s| format!("{s}!")).collect::<Vec<_>>()
        );
        assert_eq!(map_each(Vec::<u8>::new(), |x| x), Vec::<u8>::new());
    }
}
