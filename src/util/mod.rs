//! Small helpers every program shares: Docker's durations,
//! timestamps, the HTTP client and content types, logging.

pub mod duration;
pub mod http;
pub mod telemetry;
pub mod time;
