//! The programs that run in or beside a container rather than serve: the
//! probe a `HEALTHCHECK` runs, and `watch`, which applies the engine's
//! health-check rules to a URL.

pub mod health_rules;
pub mod healthcheck;
pub mod watch;
