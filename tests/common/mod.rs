//! What the test suites share: a server in process ([`server`]), the
//! compiled binary as a child process ([`process`]), and a Docker engine
//! ([`docker`], [`compose_project`]), and one
//! HTTP client ([`http`]). Each suite declares `pub mod common;`,
//! so what one suite does not use is not reported as dead code.

pub mod compose_project;
pub mod docker;
pub mod http;
pub mod process;
pub mod server;
