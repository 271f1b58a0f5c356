//! Reliability of the compiled binary under load, hostile input and
//! signals, and of the settings parser under arbitrary input.
//!
//! Every server here is the real binary on a free loopback port. Randomised
//! tests use a fixed, printed seed, so a failure replays exactly.

pub mod common;

mod reliability {
    mod counting;
    mod fuzz;
    mod healthcheck;
    mod hostile;
    mod hostile_requests;
    mod http;
    mod shutdown;
}
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Load tests share the machine with each other; the one timing assertion
/// of this suite takes the machine for itself, so a neighbour's load cannot
/// make it fail.
static MACHINE: RwLock<()> = RwLock::new(());

/// Held by a test that may run beside others.
pub fn shared_machine() -> RwLockReadGuard<'static, ()> {
    MACHINE.read().unwrap_or_else(PoisonError::into_inner)
}

/// Held by a test that measures time and must run alone.
pub fn whole_machine() -> RwLockWriteGuard<'static, ()> {
    MACHINE.write().unwrap_or_else(PoisonError::into_inner)
}

/// Resident memory of a process, in KiB, from /proc/<pid>/status.
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .expect("a VmRSS line")
}
