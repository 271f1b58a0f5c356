//! The health checks: `/health` (the lab's liveness, `/healthz` in the
//! Kubernetes book) and `/readyz` (readiness). Each request of `/health` or
//! `/healthz` is a probe: answered as the state says, and recorded once,
//! whatever it was told.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::server::budget::Verdict;
use crate::server::context::Context;
use crate::server::framing::Kestrel;
use crate::server::probe_log::{ProbeAnswer, Prober};
use crate::server::problem::ApiError;
use crate::util::http::content_type::TEXT;

/// How long `hang` keeps a probe waiting: far past any probe's timeout,
/// yet finite, so a forgotten demo does not pile up requests forever.
const HANG_LIMIT: Duration = Duration::from_secs(3600);

/// `Ok` while healthy; a 500 once unhealthy (chapter 8's is `/rng`'s), or
/// whatever the health mode says. Probing never counts as a call.
pub async fn health(ctx: Context, req: HttpRequest) -> Kestrel {
    Kestrel(answer_probe(ctx, req).await)
}

async fn answer_probe(ctx: Context, req: HttpRequest) -> Result<HttpResponse, ApiError> {
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

    let healthy = match ctx.answer_probe() {
        Verdict::Hang => {
            log::debug!("Health check hangs without an answer (mode hang)");
            // Recorded as it arrives: it will never be answered.
            ctx.record_probe(path, prober, ProbeAnswer::Hang);
            actix_web::rt::time::sleep(HANG_LIMIT).await;
            // Never answered: no reason to exit (--exit-on-unhealthy).
            return Err(ApiError::Unhealthy {
                trace_id: ctx.trace_id,
            });
        }
        Verdict::Answer { healthy, delay } => {
            if !delay.is_zero() {
                log::debug!(
                    "Health check: answering in {}ms (mode slow)",
                    delay.as_millis()
                );
                actix_web::rt::time::sleep(delay).await;
            }
            healthy
        }
    };
    if healthy {
        log::debug!("Health check: Ok");
        ctx.record_probe(path, prober, ProbeAnswer::Ok);
        Ok(HttpResponse::Ok().content_type(TEXT).body("Ok"))
    } else {
        log::warn!("Health check failed: unhealthy, traceId {}", ctx.trace_id);
        ctx.record_probe(path, prober, ProbeAnswer::Fail);
        Err(ctx.fail_probe(ctx.trace_id))
    }
}

/// Readiness, apart from liveness: 503 while starting and from SIGTERM on.
pub async fn readyz(ctx: Context) -> Result<HttpResponse, ApiError> {
    if ctx.lifecycle.is_ready() {
        return Ok(HttpResponse::Ok().content_type(TEXT).body("Ok"));
    }
    let detail = if ctx.lifecycle.is_draining() {
        "shutting down: finishing the requests in flight"
    } else {
        "starting"
    };
    Err(ApiError::NotReady {
        detail,
        trace_id: ctx.trace_id,
    })
}
