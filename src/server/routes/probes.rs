//! The probes: `/health` (the lab's liveness, `/healthz` in the Kubernetes
//! book) and `/readyz` (readiness).

use std::time::{Duration, SystemTime};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::server::budget::Verdict;
use crate::server::context::Context;
use crate::server::framing::Kestrel;
use crate::server::metrics::ProbeAnswer;
use crate::server::probes::{ProbeRecord, Prober};
use crate::server::problem::ApiError;
use crate::util::http::content_type::TEXT;

/// How long `hang` holds a probe: far past any probe's timeout, yet finite,
/// so a forgotten demo does not pile up requests forever.
const HANG_LIMIT: Duration = Duration::from_secs(3600);

/// `Ok` while healthy; a 500 once unhealthy (chapter 8's is `/rng`'s), or
/// whatever the health mode says. Probing never counts as a call.
pub async fn health(call: Context, req: HttpRequest) -> Kestrel {
    Kestrel(probe(call, req).await)
}

async fn probe(call: Context, req: HttpRequest) -> Result<HttpResponse, ApiError> {
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
        call.probes.record(ProbeRecord {
            at: SystemTime::now(),
            path,
            status,
            prober,
        })
    };

    let (healthy, delay) = match call.budget.probe() {
        Verdict::Answer { healthy, delay } => (healthy, delay),
        Verdict::Hang => {
            log::debug!("Health check held without an answer (mode hang)");
            record(None);
            call.metrics.probe(ProbeAnswer::Hang, prober);
            actix_web::rt::time::sleep(HANG_LIMIT).await;
            // Held, not answered: no reason to exit (--exit-on-unhealthy).
            return Err(ApiError::Unhealthy {
                trace_id: call.trace_id,
            });
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
        call.metrics.probe(ProbeAnswer::Ok, prober);
        Ok(HttpResponse::Ok().content_type(TEXT).body("Ok"))
    } else {
        log::warn!("Health check failed: unhealthy, traceId {}", call.trace_id);
        record(Some(500));
        call.metrics.probe(ProbeAnswer::Fail, prober);
        Err(call.unhealthy_probe())
    }
}

/// Readiness, apart from liveness: 503 while starting and from SIGTERM on.
pub async fn readyz(call: Context) -> Result<HttpResponse, ApiError> {
    if call.lifecycle.is_ready() {
        return Ok(HttpResponse::Ok().content_type(TEXT).body("Ok"));
    }
    let detail = if call.lifecycle.is_draining() {
        "shutting down: finishing the requests in flight"
    } else {
        "starting"
    };
    Err(ApiError::NotReady {
        detail,
        trace_id: call.trace_id,
    })
}
