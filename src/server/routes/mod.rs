//! The API's endpoints: `/rng`, `/health` (`/healthz`), `/reset`, `/readyz`
//! and `/metrics`. Other methods answer 405 ([`endpoint()`]), unknown paths 404.

use std::time::Duration;

use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};

use super::context::{Context, ControlContext};
use super::endpoint::endpoint;
use super::framing::Kestrel;
use super::lesson::Verdict;
use super::probe_log::{ProbeAnswer, Prober};
use super::problem::ApiError;
use crate::util::http::content_type::{JSON, PROMETHEUS, TEXT};

pub mod control;

/// How long `hang` keeps a probe: finite, so a forgotten demo ends.
const HANG_LIMIT: Duration = Duration::from_secs(3600);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/rng").get(rng))
        // One resource per path: compared, not matched as a regex.
        .service(endpoint("/health").get(health))
        .service(endpoint("/healthz").get(health))
        .service(endpoint("/reset").get(reset).post(reset))
        .service(endpoint("/readyz").get(readyz))
        .service(endpoint("/metrics").get(metrics))
        .default_service(web::to(not_found));
}

/// A number from 0 to 99 while the call budget lasts, then 500s.
async fn rng(ctx: Context) -> Kestrel {
    // A bare integer with no newline: what ASP.NET Core wrote for an `int`.
    Kestrel(ctx.call_rng(ctx.trace_id).map(|number| {
        HttpResponse::Ok()
            .content_type(JSON)
            .body(Bytes::from_static(digits(number)))
    }))
}

/// "00" to "99", for [`digits`].
static TWO_DIGITS: [u8; 200] = {
    let mut text = [0; 200];
    let mut n = 0;
    while n < 100 {
        text[2 * n] = b'0' + (n / 10) as u8;
        text[2 * n + 1] = b'0' + (n % 10) as u8;
        n += 1;
    }
    text
};

/// A number below 100 as text, without allocating on the hot path.
fn digits(number: u8) -> &'static [u8] {
    let n = usize::from(number.min(99));
    let start = if n < 10 { 2 * n + 1 } else { 2 * n };
    &TWO_DIGITS[start..2 * n + 2]
}

/// Healthy again: see [`super::lesson::CallBudget::reset`].
async fn reset(ctx: ControlContext) -> Kestrel {
    ctx.reset();
    Kestrel(Ok(HttpResponse::Ok().content_type(TEXT).body("Ok")))
}

/// `Ok` while healthy, else a 500; each request is a probe, recorded once.
async fn health(ctx: Context, req: HttpRequest) -> Kestrel {
    let path = ["/health", "/healthz"][usize::from(req.path() == "/healthz")];
    let user_agent = req.headers().get(header::USER_AGENT);
    let prober = Prober::from_user_agent(user_agent.and_then(|v| v.to_str().ok()));
    let (healthy, delay) = match ctx.budget.answer_probe() {
        Verdict::Answer { healthy, delay } => (healthy, delay),
        Verdict::Hang => {
            log::debug!("Health check hangs without an answer (mode hang)");
            // Recorded as it arrives: it will never be answered, nor exit.
            ctx.record_probe(path, prober, ProbeAnswer::Hang);
            actix_web::rt::time::sleep(HANG_LIMIT).await;
            let trace_id = ctx.trace_id;
            return Kestrel(Err(ApiError::Unhealthy { trace_id }));
        }
    };
    if !delay.is_zero() {
        let ms = delay.as_millis();
        log::debug!("Health check: answering in {ms}ms (mode slow)");
        actix_web::rt::time::sleep(delay).await;
    }
    Kestrel(if healthy {
        log::debug!("Health check: Ok");
        ctx.record_probe(path, prober, ProbeAnswer::Ok);
        Ok(HttpResponse::Ok().content_type(TEXT).body("Ok"))
    } else {
        log::warn!("Health check failed: unhealthy, traceId {}", ctx.trace_id);
        ctx.record_probe(path, prober, ProbeAnswer::Fail);
        Err(ctx.fail_probe(ctx.trace_id))
    })
}

/// Readiness, apart from liveness: 503 while starting and from SIGTERM on.
async fn readyz(ctx: Context) -> Result<HttpResponse, ApiError> {
    if ctx.lifecycle.is_ready() {
        return Ok(HttpResponse::Ok().content_type(TEXT).body("Ok"));
    }
    let detail = if ctx.lifecycle.is_draining() {
        "shutting down: finishing the requests in flight"
    } else {
        "starting"
    };
    let trace_id = ctx.trace_id;
    Err(ApiError::NotReady { detail, trace_id })
}

async fn metrics(ctx: Context) -> HttpResponse {
    let text = ctx.render_metrics();
    HttpResponse::Ok().content_type(PROMETHEUS).body(text)
}

async fn not_found(ctx: Context) -> Result<HttpResponse, ApiError> {
    let trace_id = ctx.trace_id;
    Err(ApiError::NotFound { trace_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_the_numbers_as_text() {
        for number in 0..100u8 {
            assert_eq!(digits(number), number.to_string().as_bytes());
        }
    }
}
