//! The HTTP endpoints: the lab's `/rng` and `/health`, the Kubernetes
//! book's `/healthz` and `/reset`, readiness and metrics.
//!
//! Every handler takes a trace id first, so the counter in error bodies
//! advances once per request, as ASP.NET Core's does.

use std::future::{ready, Ready};
use std::time::{Duration, SystemTime};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rand::Rng;

use crate::health::Verdict;
use crate::metrics::{self, ProbeResult};
use crate::probes::{ProbeRecord, Prober};
use crate::problem::ApiError;
use crate::state::AppState;

const JSON: &str = "application/json; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// How long `hang` holds a probe: far past any probe's timeout, yet finite,
/// so a forgotten demo does not pile up requests forever.
const HANG_LIMIT: Duration = Duration::from_secs(3600);

/// Registers every route; unknown paths answer 404 and known paths with a
/// wrong method 405, both as problem+json.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/rng")
            .route(web::get().to(rng))
            .default_service(web::to(method_not_allowed("GET"))),
    )
    // Two resources rather than one with both paths: a resource with several
    // paths is matched by a regular expression, one path by a comparison,
    // and probes are the hottest path after /rng.
    .service(
        web::resource("/health")
            .route(web::get().to(health))
            .default_service(web::to(method_not_allowed("GET"))),
    )
    .service(
        web::resource("/healthz")
            .route(web::get().to(health))
            .default_service(web::to(method_not_allowed("GET"))),
    )
    .service(
        web::resource("/reset")
            .route(web::get().to(reset))
            .route(web::post().to(reset))
            .default_service(web::to(method_not_allowed("GET, POST"))),
    )
    .service(
        web::resource("/readyz")
            .route(web::get().to(readyz))
            .default_service(web::to(method_not_allowed("GET"))),
    )
    .service(
        web::resource("/metrics")
            .route(web::get().to(metrics))
            .default_service(web::to(method_not_allowed("GET"))),
    )
    .default_service(web::to(not_found));
}

/// A random number from 0 to 99 while the call budget lasts, then 500s.
async fn rng(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let number = call_rng(&state)?;
    // A bare integer with no newline: what ASP.NET Core wrote for an `int`.
    Ok(HttpResponse::Ok()
        .content_type(JSON)
        .body(number.to_string()))
}

/// One call of `/rng`, whoever makes it: counted, logged and measured the
/// same for curl and for the lab page's form, so the page cannot make the
/// service fail sooner or later than the lab says.
pub(crate) fn call_rng(state: &AppState) -> Result<u8, ApiError> {
    let trace_id = state.trace_ids.next_id();
    let ok = state.health.record_call();
    state.metrics.rng_call(ok);
    if !ok {
        log::warn!("Unhealthy! traceId {trace_id}");
        state.answered_unhealthy();
        return Err(ApiError::Unhealthy { trace_id });
    }
    let number: u8 = rand::rng().random_range(0..100);
    log::debug!("Returning random number: {number}");
    Ok(number)
}

/// `Ok` while healthy; the same 500 as `/rng` once unhealthy, or whatever
/// the health mode says. Probing never counts as a call.
async fn health(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let trace_id = state.trace_ids.next_id();
    let path = if req.path() == "/healthz" {
        "/healthz"
    } else {
        "/health"
    };
    let prober = Prober::from_user_agent(
        req.headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
    );
    let record = |status: Option<u16>| {
        state.probes.record(ProbeRecord {
            at: SystemTime::now(),
            path,
            status,
            prober,
        })
    };

    let (healthy, delay) = match state.health.probe() {
        Verdict::Answer { healthy, delay } => (healthy, delay),
        Verdict::Hang => {
            log::debug!("Health check held without an answer (mode hang)");
            record(None);
            state.metrics.probe(ProbeResult::Hang, prober);
            actix_web::rt::time::sleep(HANG_LIMIT).await;
            return Err(ApiError::Unhealthy { trace_id });
        }
    };
    if !delay.is_zero() {
        log::debug!(
            "Health check: answering in {}ms (mode slow)",
            delay.as_millis()
        );
        actix_web::rt::time::sleep(delay).await;
    }
    if healthy {
        log::debug!("Health check: Ok");
        record(Some(200));
        state.metrics.probe(ProbeResult::Ok, prober);
        Ok(HttpResponse::Ok().content_type(TEXT).body("Ok"))
    } else {
        log::warn!("Health check failed: unhealthy, traceId {trace_id}");
        record(Some(500));
        state.metrics.probe(ProbeResult::Fail, prober);
        state.answered_unhealthy();
        Err(ApiError::Unhealthy { trace_id })
    }
}

/// Makes the service healthy again and restarts the count.
async fn reset(state: web::Data<AppState>) -> HttpResponse {
    reset_state(&state);
    HttpResponse::Ok().content_type(TEXT).body("Ok")
}

/// What `/reset` does, shared with the lab page's reset button.
pub(crate) fn reset_state(state: &AppState) {
    state.trace_ids.next_id();
    state.health.reset();
    log::info!("Reset: healthy again, call count restarted");
}

/// Readiness, apart from liveness: 503 while starting and from SIGTERM on.
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let trace_id = state.trace_ids.next_id();
    if state.lifecycle.is_ready() {
        return Ok(HttpResponse::Ok().content_type(TEXT).body("Ok"));
    }
    let detail = if state.lifecycle.is_draining() {
        "shutting down: finishing the requests in flight"
    } else {
        "starting"
    };
    Err(ApiError::NotReady { detail, trace_id })
}

/// Prometheus' text format.
async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    state.trace_ids.next_id();
    let body = state
        .metrics
        .render(state.health.is_healthy(), state.lifecycle.is_ready());
    HttpResponse::Ok()
        .content_type(metrics::CONTENT_TYPE)
        .body(body)
}

async fn not_found(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound {
        trace_id: state.trace_ids.next_id(),
    })
}

/// A fallback for a known path that lists the methods it does take.
pub(crate) fn method_not_allowed(
    allow: &'static str,
) -> impl Fn(web::Data<AppState>) -> Ready<Result<HttpResponse, ApiError>> + Clone + 'static {
    move |state: web::Data<AppState>| {
        ready(Err(ApiError::MethodNotAllowed {
            allow,
            trace_id: state.trace_ids.next_id(),
        }))
    }
}
