//! Helpers every program shares.

pub mod duration;
pub mod http;
pub mod telemetry;
pub mod time;
