//! Tuning of mimalloc, the binary's allocator (src/main.rs), through the C API that
//! the `mimalloc` crate does not wrap.
//!
//! mimalloc v3 returns freed memory to the OS a second after it is freed. A scan is
//! over by then, so its peak RSS was every page it had ever touched: 97 MB on a
//! 9k-resource plan. Purging freed pages after 10 ms (mimalloc v2's default), and
//! at once where a stage frees much of what it used, brings that peak to 80 MB for
//! about 25 ms (5%) of wall time; purging every page at once cost twice that.

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the same index in the v2
/// and v3 sources libmimalloc-sys bundles; its Rust constants follow v2 and leave
/// this one out).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Milliseconds before freed memory goes back to the OS.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Sets the purge delay; called first thing in `main`.
pub fn configure() {
    // SAFETY: mi_option_set takes an option index and a value and may be called at
    // any time; the purge delay is read each time a purge is scheduled.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

/// Returns the memory freed so far to the OS now: called after a stage that frees
/// much of what it used (reading the plan frees its text and parse buffers).
pub fn release_freed_memory() {
    // SAFETY: mi_collect may be called at any time from any thread.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // Its default in the bundled mimalloc v3 is 1000 ms: another value means the
        // index now names another option (check mimalloc.h's mi_option_e).
        // SAFETY: reading an option by index.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000);
        configure();
        // SAFETY: as above.
        let now = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(now, PURGE_DELAY_MS);
        release_freed_memory();
    }
}
