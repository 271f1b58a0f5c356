//! The lab's `/rng`, and `/reset` from the Kubernetes book. `/rng` always
//! answers: it is the lab. `/reset` heals the lesson for everyone, so it is
//! refused with `--control false` (see [`ControlCall`]).

use actix_web::web::Bytes;
use actix_web::HttpResponse;
use rand::Rng;

use crate::server::budget::Rule;
use crate::server::context::{Context, ControlCall};
use crate::server::framing::Kestrel;
use crate::server::problem::ApiError;
use crate::util::http::content_type::{JSON, TEXT};

/// A random number from 0 to 99 while the call budget lasts, then 500s.
pub async fn rng(call: Context) -> Kestrel {
    // A bare integer with no newline: what ASP.NET Core wrote for an `int`.
    Kestrel(call_rng(&call).map(|number| {
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

/// A number below 100 as text, from a static table: `/rng` is the hot path,
/// and its chunked framing costs an allocation (see `framing.rs`) that this
/// one, of `to_string`, pays back.
fn digits(number: u8) -> &'static [u8] {
    let n = usize::from(number.min(99));
    let start = if n < 10 { 2 * n + 1 } else { 2 * n };
    &TWO_DIGITS[start..2 * n + 2]
}

/// One call of `/rng`, whoever makes it: counted, logged and measured the
/// same for curl and for the lab page's form, so the page cannot make the
/// service fail sooner or later than the lab says.
pub(crate) fn call_rng(call: &Context) -> Result<u8, ApiError> {
    let ok = call.budget.record_call();
    call.metrics.rng_call(ok);
    if !ok {
        return Err(call.unhealthy_call());
    }
    let number: u8 = rand::rng().random_range(0..100);
    log::debug!("Returning random number: {number}");
    Ok(number)
}

/// Makes the service healthy again: see [`crate::server::budget::CallBudget::reset`].
pub async fn reset(call: ControlCall) -> Kestrel {
    reset_state(&call);
    Kestrel(Ok(HttpResponse::Ok().content_type(TEXT).body("Ok")))
}

/// What `/reset` does, shared with the lab page's reset button. It takes a
/// [`ControlCall`], so neither caller can skip `--control`.
pub(crate) fn reset_state(call: &ControlCall) {
    call.budget.reset();
    match call.budget.rule() {
        Rule::Lab => log::info!("Reset: healthy again, call count restarted"),
        Rule::Kubernetes { .. } => log::info!(
            "Reset: healthy again; the call count stays at {} (FailAfterCallCount)",
            call.budget.calls()
        ),
    }
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
