//! numbers-api: a tiny HTTP service that hands out random numbers and then
//! fails on cue, so that a Docker `HEALTHCHECK` has something to notice.
//!
//! The binary (`src/main.rs`) only calls [`cli::run`]; everything it does
//! lives here so the tests can drive the same code. One binary, three
//! programs: the API ([`server`]), the tools that run in or beside its
//! container ([`tools`]: `healthcheck` and `watch`) and the book's web app
//! ([`web`]). The command line builds each program's own configuration and
//! hands it down; both servers start the one way ([`startup`]). Called as
//! `dotnet`, it answers the book's own command lines ([`compat`]).
//! `docs/architecture.md` draws how they fit together.

pub mod cli;
pub mod compat;
pub mod server;
pub mod startup;
pub mod tools;
pub mod util;
pub mod web;
