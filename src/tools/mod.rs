//! The programs beside a container: the probe a `HEALTHCHECK` runs, and
//! `watch`, which applies Docker's health-check rules to a URL.

pub mod health_rules;
pub mod healthcheck;
pub mod watch;
