//! The HTTP endpoints, one file per group: the lab's `/rng` and the
//! Kubernetes book's `/reset` ([`lab`]), the health checks `/health`,
//! `/healthz` and `/readyz` ([`health`]), [`metrics`] and the [`control`]
//! API. The lab page's own routes live with the page; what a request does
//! to the state is the state's (`state.rs`), so handlers stay thin.
//!
//! Every handler takes a [`Context`] first, so the counter in error bodies
//! advances once per request, as ASP.NET Core's does. Every path is declared
//! through [`endpoint()`], which answers any other method with a 405
//! problem+json listing the ones it takes; unknown paths answer 404.
//! Handlers that change the state take a `ControlContext` instead, which
//! answers 403 when `--control false`; their routes are always registered,
//! so a refused request says why instead of looking like a typo.

use actix_web::{web, HttpResponse};

use super::context::Context;
use super::endpoint::endpoint;
use super::problem::ApiError;

pub mod control;
pub mod health;
pub mod lab;
pub mod metrics;

/// Registers the API's routes (the control API and the page register their
/// own), and the 404 for everything else.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/rng").get(lab::rng))
        // Two resources rather than one with both paths: a resource with
        // several paths is matched by a regular expression, one path by a
        // comparison, and probes are the hottest path after /rng.
        .service(endpoint("/health").get(health::health))
        .service(endpoint("/healthz").get(health::health))
        .service(endpoint("/reset").get(lab::reset).post(lab::reset))
        .service(endpoint("/readyz").get(health::readyz))
        .service(endpoint("/metrics").get(metrics::metrics))
        .default_service(web::to(not_found));
}

async fn not_found(ctx: Context) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound {
        trace_id: ctx.trace_id,
    })
}
