//! numbers-api: a tiny HTTP service that hands out random numbers and then
//! fails on cue, so that a Docker `HEALTHCHECK` has something to notice.
//! One binary, three programs: the API ([`server`], whose [`server::lesson`]
//! is the lesson itself), the tools beside its container ([`tools`]) and the
//! book's web app ([`web`]). `docs/architecture.md` draws how they fit.

pub mod cli;
pub mod compat;
pub mod server;
pub mod startup;
pub mod tools;
pub mod util;
pub mod web;
