//! What the test binaries that read the pages share.

pub mod docs;
pub mod recipe;

/// CI is any `CI` value but empty, `0` or `false`: there a test that cannot
/// run fails instead of skipping.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}
