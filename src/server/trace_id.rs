//! ASP.NET Core 3.x's `traceId`s: `|`, a counter seeded at random and
//! advanced once per request, `-`, a per-process suffix, `.`.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};

/// Hands out one id per request.
#[derive(Debug)]
pub struct TraceIds {
    next: AtomicU32,
    suffix: u64,
}

/// One request's id; formatted only when an error body needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceId {
    counter: u32,
    suffix: u64,
}

impl TraceIds {
    /// A generator with a known seed, for tests.
    pub fn seeded(counter: u32, suffix: u64) -> Self {
        Self {
            next: AtomicU32::new(counter),
            suffix,
        }
    }

    /// The id of the next request; the counter wraps like .NET's.
    pub fn next_id(&self) -> TraceId {
        TraceId {
            counter: self.next.fetch_add(1, Ordering::Relaxed),
            suffix: self.suffix,
        }
    }
}

/// A generator seeded at random, as each .NET process is.
impl Default for TraceIds {
    fn default() -> Self {
        Self::seeded(rand::random(), rand::random())
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "|{:08x}-{:x}.", self.counter, self.suffix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_the_labs_and_advance_by_one() {
        let ids = TraceIds::seeded(0x63e1_9d6d, 0x433b_13ea_b37d_0c35);
        assert_eq!(ids.next_id().to_string(), "|63e19d6d-433b13eab37d0c35.");
        assert_eq!(ids.next_id().to_string(), "|63e19d6e-433b13eab37d0c35.");
    }

    #[test]
    fn the_counter_keeps_eight_digits_and_wraps() {
        let ids = TraceIds::seeded(u32::MAX, 0xab);
        assert_eq!(ids.next_id().to_string(), "|ffffffff-ab.");
        assert_eq!(ids.next_id().to_string(), "|00000000-ab.");
    }
}
