//! The HTTP endpoints: the lab's `/rng` and `/health`, and the Kubernetes
//! book's `/healthz` and `/reset`.
//!
//! Every handler takes a trace id first, so the counter in error bodies
//! advances once per request, as ASP.NET Core's does.

use std::future::{ready, Ready};

use actix_web::{web, HttpResponse};
use rand::Rng;

use crate::problem::ApiError;
use crate::state::AppState;

const JSON: &str = "application/json; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// Registers every route; unknown paths answer 404 and known paths with a
/// wrong method 405, both as problem+json.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/rng")
            .route(web::get().to(rng))
            .default_service(web::to(method_not_allowed("GET"))),
    )
    .service(
        web::resource(["/health", "/healthz"])
            .route(web::get().to(health))
            .default_service(web::to(method_not_allowed("GET"))),
    )
    .service(
        web::resource("/reset")
            .route(web::get().to(reset))
            .route(web::post().to(reset))
            .default_service(web::to(method_not_allowed("GET, POST"))),
    )
    .default_service(web::to(not_found));
}

/// A random number from 0 to 99 while the call budget lasts, then 500s.
async fn rng(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let trace_id = state.trace_ids.next_id();
    if !state.health.record_call() {
        log::warn!("Unhealthy! traceId {trace_id}");
        return Err(ApiError::Unhealthy { trace_id });
    }
    let number: u8 = rand::rng().random_range(0..100);
    log::debug!("Returning random number: {number}");
    // A bare integer with no newline: what ASP.NET Core wrote for an `int`.
    Ok(HttpResponse::Ok()
        .content_type(JSON)
        .body(number.to_string()))
}

/// `Ok` while healthy; the same 500 as `/rng` once unhealthy. Probing
/// never counts as a call.
async fn health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let trace_id = state.trace_ids.next_id();
    if state.health.is_healthy() {
        log::debug!("Health check: Ok");
        Ok(HttpResponse::Ok().content_type(TEXT).body("Ok"))
    } else {
        log::warn!("Health check failed: unhealthy, traceId {trace_id}");
        Err(ApiError::Unhealthy { trace_id })
    }
}

/// Makes the service healthy again and restarts the count.
async fn reset(state: web::Data<AppState>) -> HttpResponse {
    state.trace_ids.next_id();
    state.health.reset();
    log::info!("Reset: healthy again, call count restarted");
    HttpResponse::Ok().content_type(TEXT).body("Ok")
}

async fn not_found(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound {
        trace_id: state.trace_ids.next_id(),
    })
}

/// A fallback for a known path that lists the methods it does take.
fn method_not_allowed(
    allow: &'static str,
) -> impl Fn(web::Data<AppState>) -> Ready<Result<HttpResponse, ApiError>> + Clone + 'static {
    move |state: web::Data<AppState>| {
        ready(Err(ApiError::MethodNotAllowed {
            allow,
            trace_id: state.trace_ids.next_id(),
        }))
    }
}
