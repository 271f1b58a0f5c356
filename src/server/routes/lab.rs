//! The lab's `/rng`, and `/reset` from the Kubernetes book. `/rng` always
//! answers: it is the lab. `/reset` heals the lesson for everyone, so it is
//! refused with `--control false` (see [`ControlContext`]). What each does
//! is the state's ([`crate::server::state::AppState`]); these only answer.

use actix_web::web::Bytes;
use actix_web::HttpResponse;

use crate::server::context::{Context, ControlContext};
use crate::server::framing::Kestrel;
use crate::util::http::content_type::{JSON, TEXT};

/// A random number from 0 to 99 while the call budget lasts, then 500s.
pub async fn rng(ctx: Context) -> Kestrel {
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

/// A number below 100 as text, from a static table: `/rng` is the hot path,
/// and its chunked framing costs an allocation (see `framing.rs`) that this
/// one, of `to_string`, pays back.
fn digits(number: u8) -> &'static [u8] {
    let n = usize::from(number.min(99));
    let start = if n < 10 { 2 * n + 1 } else { 2 * n };
    &TWO_DIGITS[start..2 * n + 2]
}

/// Makes the service healthy again: see [`crate::server::state::AppState::reset`].
pub async fn reset(ctx: ControlContext) -> Kestrel {
    ctx.reset(&ctx);
    Kestrel(Ok(HttpResponse::Ok().content_type(TEXT).body("Ok")))
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
