//! numbers-api: random numbers that fail on cue, for teaching Docker health checks: the API
//! ([`server`]; [`server::lesson`] is the lesson), [`tools`] beside it, the book's [`web`] app.

pub mod cli;
pub mod compat;
pub mod server;
pub mod startup;
pub mod tools;
pub mod util;
pub mod web;
