//! The API server. [`lesson`] is the lesson; around it the shared state,
//! routes, lab page, problems, modes, metrics and probe log.

use std::io;
use std::net::TcpListener;

use actix_web::web;

use crate::startup::running::{self, Bound};
use state::AppState;

pub mod config;
pub mod context;
pub mod endpoint;
pub mod framing;
pub mod lesson;
pub mod metrics;
pub mod mode;
pub mod page;
pub mod probe_log;
pub mod problem;
pub mod routes;
pub mod state;
pub mod trace_id;

pub use config::Config;

/// Builds the API on a bound listener; it serves once run.
pub fn build(config: &Config, listener: TcpListener) -> io::Result<Bound> {
    let state = web::Data::new(AppState::new(config));
    let lifecycle = state.lifecycle.clone();
    let routes = move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(state.clone());
        // Resources are tried in order: the books' first, `/rng` first of all.
        routes::configure(cfg);
        routes::control::configure(cfg);
        page::configure(cfg);
    };
    let (workers, delay) = (config.workers, config.shutdown_delay);
    running::build(listener, workers, routes, lifecycle, delay)
}
