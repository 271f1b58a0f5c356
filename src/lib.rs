//! numbers-api: random numbers that fail on cue, for teaching Docker health
//! checks. The API ([`server`]; [`server::lesson`] is the lesson), the tools
//! beside it ([`tools`]) and the book's web app ([`web`]).

pub mod cli;
pub mod compat;
pub mod server;
pub mod startup;
pub mod tools;
pub mod util;
pub mod web;
