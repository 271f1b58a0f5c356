//! The control API: `GET /control/health` shows the state, `POST` with `{"mode":"hang"}`
//! (or plain `hang`) switches the health mode; both answer 403 with `--control false`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::server::context::ControlContext;
use crate::server::endpoint::endpoint;
use crate::server::mode::HealthMode;
use crate::server::problem::ApiError;

/// Bodies are one short mode; anything longer is a mistake.
pub const MAX_BODY: usize = 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/control/health").get(show).post(change));
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModeRequest {
    mode: String,
}

/// A mode from a body: `{"mode":"slow=500"}`, `"slow=500"` or `slow=500`.
pub fn parse_body(body: &[u8]) -> Result<HealthMode, String> {
    if body.len() > MAX_BODY {
        return Err(format!("the body is over {MAX_BODY} bytes"));
    }
    let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8 text".to_string())?;
    let text = text.trim();
    let mode = if text.starts_with('{') {
        serde_json::from_str::<ModeRequest>(text)
            .map_err(|e| format!("expected {{\"mode\": \"...\"}}: {e}"))?
            .mode
    } else if text.starts_with('"') {
        serde_json::from_str::<String>(text).map_err(|e| format!("bad JSON string: {e}"))?
    } else {
        text.to_string()
    };
    mode.parse()
}

async fn show(ctx: ControlContext) -> HttpResponse {
    HttpResponse::Ok().json(ctx.snapshot())
}

async fn change(ctx: ControlContext, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let trace_id = ctx.trace_id;
    let mode = parse_body(&body).map_err(|detail| ApiError::BadRequest { detail, trace_id })?;
    ctx.set_mode(mode);
    Ok(HttpResponse::Ok().json(ctx.snapshot()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_body_of_exactly_the_limit_is_read_one_byte_more_is_refused() {
        let at_limit = format!("{}ok", " ".repeat(MAX_BODY - 2));
        assert_eq!(parse_body(at_limit.as_bytes()), Ok(HealthMode::Ok));
        let over = format!("{}ok", " ".repeat(MAX_BODY - 1));
        assert!(parse_body(over.as_bytes())
            .unwrap_err()
            .contains("over 1024 bytes"));
    }

    #[test]
    fn json_objects_strings_and_plain_text_all_work() {
        assert_eq!(parse_body(br#"{"mode":"hang"}"#), Ok(HealthMode::Hang));
        assert_eq!(
            parse_body(br#" "fail-next=2" "#),
            Ok(HealthMode::FailNext(2))
        );
        assert_eq!(
            parse_body(b"slow=250\n"),
            Ok(HealthMode::Slow(Duration::from_millis(250)))
        );
    }

    #[test]
    fn bad_bodies_are_explained() {
        for body in [
            &br#"{"mode":"hang","extra":1}"#[..],
            br#"{"mode":3}"#,
            br#"{"mode""#,
            b"\xff\xfe",
            b"",
            b"explode",
        ] {
            assert!(parse_body(body).is_err(), "{body:?}");
        }
        assert!(parse_body(&[b' '; MAX_BODY + 1])
            .unwrap_err()
            .contains("over"));
    }
}
