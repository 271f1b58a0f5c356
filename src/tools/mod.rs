//! Programs beside a container: the `HEALTHCHECK` probe and `watch`.

pub mod health_rules;
pub mod healthcheck;
pub mod watch;
