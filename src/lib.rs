//! numbers-api: a tiny HTTP service that hands out random numbers and then
//! fails on cue, so that a Docker `HEALTHCHECK` has something to notice.
//!
//! The binary (`src/main.rs`) only calls [`cli::run`]; everything it does
//! lives here so the tests can drive the same code:
//!
//! - [`config`] — every setting, as a flag with an environment variable;
//! - [`health`] — the call counter that decides when the service turns unhealthy;
//! - [`mode`] — the health modes a teacher switches on (fail, hang, slow...);
//! - [`control`] — the API that switches them at run time;
//! - [`lifecycle`] — readiness, and exiting on request;
//! - [`probes`] — who probed `/health` and what they were told;
//! - [`metrics`] — `/metrics` for Prometheus;
//! - [`duration`] — durations written as Docker writes them;
//! - [`docker_health`] — Docker's health-check rules, without Docker;
//! - [`watch`] — `numbers-api watch`, which applies them to a URL;
//! - [`trace_id`] — the ASP.NET-style `traceId` printed in error bodies;
//! - [`problem`] — the `application/problem+json` errors;
//! - [`routes`] — the HTTP endpoints;
//! - [`page`] — the lab page at `/`, with its live timeline of probes;
//! - [`html`] — escaping and filling the pages' templates;
//! - [`web`] — `numbers-api web`, the book's second service (numbers-web);
//! - [`startup`] — binding the listener and running the server;
//! - [`state`] — what the workers share: the counter and the trace ids;
//! - [`shutdown`] — SIGTERM / SIGINT handling;
//! - [`healthcheck`] — the `numbers-api healthcheck` probe that replaces curl;
//! - [`telemetry`] — logging.

pub mod cli;
pub mod config;
pub mod control;
pub mod docker_health;
pub mod duration;
pub mod health;
pub mod healthcheck;
pub mod html;
pub mod lifecycle;
pub mod metrics;
pub mod mode;
pub mod page;
pub mod probes;
pub mod problem;
pub mod routes;
pub mod shutdown;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod trace_id;
pub mod watch;
pub mod web;
