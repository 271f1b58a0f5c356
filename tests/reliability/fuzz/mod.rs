//! Property tests of the parsers that read untrusted input, each run for a
//! bounded number of generated cases (1,024 per property).
//!
//! One module per parser: the settings parser here, and any parser of
//! request bodies in a module of its own beside it.

mod config;
mod config_refusals;
mod config_valid;
mod control_body;
