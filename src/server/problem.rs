//! Errors as ASP.NET Core 3.x's `application/problem+json` bodies (down to
//! its "occured"), and the Kubernetes book's `{"message":"Unhealthy!"}`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use super::trace_id::TraceId;
use crate::util::http::content_type::{JSON, PROBLEM_JSON};

/// Every way a request can fail; one `match` maps each to its status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Chapter 8's failure: the call budget is spent.
    #[error("the service is unhealthy")]
    Unhealthy { trace_id: TraceId },
    /// The Kubernetes book's failure: a 500 whose body is `{"message":...}`.
    #[error("the service is unhealthy: {message}")]
    UnhealthyMessage { message: String, trace_id: TraceId },
    #[error("no such endpoint")]
    NotFound { trace_id: TraceId },
    #[error("method not allowed (allowed: {allow})")]
    MethodNotAllowed {
        allow: &'static str,
        trace_id: TraceId,
    },
    /// A request the service cannot use, such as an unknown health mode.
    #[error("bad request: {detail}")]
    BadRequest { detail: String, trace_id: TraceId },
    /// An endpoint that changes the state, turned off by `--control false`.
    #[error("forbidden: {detail}")]
    Forbidden {
        detail: &'static str,
        trace_id: TraceId,
    },
    /// `/readyz` while starting or shutting down.
    #[error("not ready: {detail}")]
    NotReady {
        detail: &'static str,
        trace_id: TraceId,
    },
}

/// The body, fields in the order ASP.NET Core writes them.
#[derive(Debug, Serialize)]
struct ProblemDetails<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(rename = "traceId")]
    trace_id: String,
}

impl ApiError {
    /// The status and the RFC 7231 section ASP.NET Core's client-error
    /// mapping links; the title is the status's reason but for the 500.
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Unhealthy { .. } | ApiError::UnhealthyMessage { .. } => {
                (StatusCode::INTERNAL_SERVER_ERROR, "6.6.1")
            }
            ApiError::NotFound { .. } => (StatusCode::NOT_FOUND, "6.5.4"),
            ApiError::MethodNotAllowed { .. } => (StatusCode::METHOD_NOT_ALLOWED, "6.5.5"),
            ApiError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "6.5.1"),
            ApiError::Forbidden { .. } => (StatusCode::FORBIDDEN, "6.5.3"),
            ApiError::NotReady { .. } => (StatusCode::SERVICE_UNAVAILABLE, "6.6.4"),
        }
    }

    pub fn trace_id(&self) -> TraceId {
        match self {
            ApiError::Unhealthy { trace_id }
            | ApiError::UnhealthyMessage { trace_id, .. }
            | ApiError::NotFound { trace_id }
            | ApiError::MethodNotAllowed { trace_id, .. }
            | ApiError::BadRequest { trace_id, .. }
            | ApiError::Forbidden { trace_id, .. }
            | ApiError::NotReady { trace_id, .. } => *trace_id,
        }
    }

    /// The exact body this error is answered with.
    pub fn body(&self) -> String {
        let detail = match self {
            ApiError::UnhealthyMessage { message, .. } => {
                return serde_json::json!({ "message": message }).to_string()
            }
            ApiError::BadRequest { detail, .. } => Some(detail.as_str()),
            ApiError::Forbidden { detail, .. } | ApiError::NotReady { detail, .. } => Some(*detail),
            _ => None,
        };
        let (status, section) = self.parts();
        let title = match status {
            StatusCode::INTERNAL_SERVER_ERROR => "An error occured while processing your request.",
            _ => status.canonical_reason().unwrap_or_default(),
        };
        // Serialising strings and a number cannot fail.
        serde_json::to_string(&ProblemDetails {
            kind: format!("https://tools.ietf.org/html/rfc7231#section-{section}"),
            title,
            status: status.as_u16(),
            detail,
            trace_id: self.trace_id().to_string(),
        })
        .unwrap_or_default()
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        let message = matches!(self, ApiError::UnhealthyMessage { .. });
        response.content_type(if message { JSON } else { PROBLEM_JSON });
        if let ApiError::MethodNotAllowed { allow, .. } = self {
            response.insert_header((header::ALLOW, *allow));
        }
        response.body(self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::trace_id::TraceIds;

    #[test]
    fn the_unhealthy_body_is_the_one_in_the_lab_notes() {
        let trace_id = TraceIds::seeded(0x63e1_9d6d, 0x433b_13ea_b37d_0c35).next_id();
        assert_eq!(
            ApiError::Unhealthy { trace_id }.body(),
            r#"{"type":"https://tools.ietf.org/html/rfc7231#section-6.6.1","title":"An error occured while processing your request.","status":500,"traceId":"|63e19d6d-433b13eab37d0c35."}"#
        );
    }

    #[test]
    fn the_kubernetes_books_500_is_its_message_as_json() {
        let trace_id = TraceIds::seeded(1, 1).next_id();
        let failure = ApiError::UnhealthyMessage {
            message: "Unhealthy!".into(),
            trace_id,
        };

        assert_eq!(failure.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(failure.body(), r#"{"message":"Unhealthy!"}"#);
        let response = failure.error_response();
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/json; charset=utf-8"
        );
    }

    #[test]
    fn a_refusal_is_asp_net_cores_403_with_a_detail() {
        let trace_id = TraceIds::seeded(0x0000_000a, 0x1f2e).next_id();
        let refused = ApiError::Forbidden {
            detail: "turned off",
            trace_id,
        };

        assert_eq!(refused.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(
            refused.body(),
            r#"{"type":"https://tools.ietf.org/html/rfc7231#section-6.5.3","title":"Forbidden","status":403,"detail":"turned off","traceId":"|0000000a-1f2e."}"#
        );
    }
}
