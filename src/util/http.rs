//! HTTP pieces the programs share: content types, User-Agents, the client,
//! and the check every URL setting makes.

use std::time::Duration;

/// Content types, each spelled once.
pub mod content_type {
    /// A JSON body: `/rng`'s number, `/control/health`, `/page/state`.
    pub const JSON: &str = "application/json; charset=utf-8";
    pub const TEXT: &str = "text/plain; charset=utf-8";
    pub const HTML: &str = "text/html; charset=utf-8";
    /// Errors, as ASP.NET Core writes them (RFC 7807).
    pub const PROBLEM_JSON: &str = "application/problem+json; charset=utf-8";
    pub const PROMETHEUS: &str = "text/plain; version=0.0.4; charset=utf-8";
}

/// The product of [`HEALTHCHECK_USER_AGENT`], as the probe log knows it.
pub const HEALTHCHECK_PRODUCT: &str = "numbers-api-healthcheck/";

/// Sent with each `healthcheck` probe, to tell it from curl and a kubelet.
pub const HEALTHCHECK_USER_AGENT: &str =
    concat!("numbers-api-healthcheck/", env!("CARGO_PKG_VERSION"));

/// Sent by `dotnet Utilities.HttpCheck.dll`: counted as `healthcheck`.
pub const HTTPCHECK_USER_AGENT: &str = concat!(
    "numbers-api-healthcheck/",
    env!("CARGO_PKG_VERSION"),
    " (Utilities.HttpCheck)"
);

/// Sent with numbers-web's calls of the API.
pub const WEB_USER_AGENT: &str = concat!("numbers-web/", env!("CARGO_PKG_VERSION"));

/// A page of the state of one moment: never shown from a stale copy.
pub fn fresh_html(page: String) -> actix_web::HttpResponse {
    let no_store = (actix_web::http::header::CACHE_CONTROL, "no-store");
    actix_web::HttpResponse::Ok()
        .content_type(content_type::HTML)
        .insert_header(no_store)
        .body(page)
}

/// A client whose every call is bounded by `timeout`; a non-200 status is an
/// answer, not an error, and no proxy (it would not know the neighbours).
pub fn agent(timeout: Duration, user_agent: &str) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .proxy(None)
        .user_agent(user_agent)
        .build()
        .into()
}

/// An `http://` URL with something after the scheme, as every URL setting takes.
pub fn parse_url(value: &str) -> Result<String, String> {
    if value.starts_with("http://") && value.len() > "http://".len() {
        Ok(value.to_string())
    } else {
        Err("expected an http:// URL, such as http://127.0.0.1:8080/health".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_a_host() {
        assert!(parse_url("http://").is_err());
        assert_eq!(parse_url("http://x"), Ok("http://x".to_string()));
        assert!(parse_url("https://x").is_err());
    }

    #[test]
    fn the_healthcheck_user_agent_starts_with_its_product() {
        assert!(HEALTHCHECK_USER_AGENT.starts_with(HEALTHCHECK_PRODUCT));
        assert!(HTTPCHECK_USER_AGENT.starts_with(HEALTHCHECK_PRODUCT));
    }
}
