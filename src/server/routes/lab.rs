//! The lab's `/rng`, and `/reset` from the Kubernetes book. `/rng` always
//! answers: it is the lab. `/reset` heals the lesson for everyone, so it is
//! refused with `--control false` (see [`ControlCall`]).

use actix_web::HttpResponse;
use rand::Rng;

use crate::server::context::{Context, ControlCall};
use crate::server::problem::ApiError;
use crate::util::http::content_type::{JSON, TEXT};

/// A random number from 0 to 99 while the call budget lasts, then 500s.
pub async fn rng(call: Context) -> Result<HttpResponse, ApiError> {
    let number = call_rng(&call)?;
    // A bare integer with no newline: what ASP.NET Core wrote for an `int`.
    Ok(HttpResponse::Ok()
        .content_type(JSON)
        .body(number.to_string()))
}

/// One call of `/rng`, whoever makes it: counted, logged and measured the
/// same for curl and for the lab page's form, so the page cannot make the
/// service fail sooner or later than the lab says.
pub(crate) fn call_rng(call: &Context) -> Result<u8, ApiError> {
    let ok = call.budget.record_call();
    call.metrics.rng_call(ok);
    if !ok {
        log::warn!("Unhealthy! traceId {}", call.trace_id);
        return Err(call.unhealthy());
    }
    let number: u8 = rand::rng().random_range(0..100);
    log::debug!("Returning random number: {number}");
    Ok(number)
}

/// Makes the service healthy again and restarts the count.
pub async fn reset(call: ControlCall) -> HttpResponse {
    reset_state(&call);
    HttpResponse::Ok().content_type(TEXT).body("Ok")
}

/// What `/reset` does, shared with the lab page's reset button. It takes a
/// [`ControlCall`], so neither caller can skip `--control`.
pub(crate) fn reset_state(call: &ControlCall) {
    call.budget.reset();
    log::info!("Reset: healthy again, call count restarted");
}
