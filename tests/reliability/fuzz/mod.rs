//! Property tests of the parsers that read untrusted input, each run for a
//! bounded number of generated cases (1,024 per property).
//!
//! One module per parser: the settings parser here, and any parser of
//! request bodies in a module of its own beside it.

use proptest::test_runner::{Config, FileFailurePersistence};

mod config;
mod config_refusals;
mod config_valid;
mod control_body;

/// Cases per property.
const CASES: u32 = 1024;

/// The run of every property here: [`CASES`] cases, with the failures found
/// once kept in `regressions` (a path from the crate's root) and replayed
/// first on every later run.
fn replaying(regressions: &'static str) -> Config {
    Config {
        cases: CASES,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..Config::default()
    }
}
