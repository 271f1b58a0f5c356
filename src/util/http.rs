//! HTTP pieces the programs share: content types, User-Agents, the client,
//! and the check every URL setting makes.

use std::time::Duration;

/// Content types, each spelled once.
pub mod content_type {
    /// A JSON body: `/rng`'s number, `/control/health`, `/page/state`.
    pub const JSON: &str = "application/json; charset=utf-8";
    /// `Ok`, `Not Found`.
    pub const TEXT: &str = "text/plain; charset=utf-8";
    /// The lab page and numbers-web's page.
    pub const HTML: &str = "text/html; charset=utf-8";
    /// Errors, as ASP.NET Core writes them (RFC 7807).
    pub const PROBLEM_JSON: &str = "application/problem+json; charset=utf-8";
    /// Prometheus' text format.
    pub const PROMETHEUS: &str = "text/plain; version=0.0.4; charset=utf-8";
}

/// The product part of [`HEALTHCHECK_USER_AGENT`], by which the server's
/// probe log recognises `numbers-api healthcheck`.
pub const HEALTHCHECK_PRODUCT: &str = "numbers-api-healthcheck/";

/// Sent with each `healthcheck` probe, so the service's logs and metrics can
/// tell it apart from curl and from a kubelet.
pub const HEALTHCHECK_USER_AGENT: &str =
    concat!("numbers-api-healthcheck/", env!("CARGO_PKG_VERSION"));

/// Sent by `dotnet Utilities.HttpCheck.dll`: the same product as
/// `healthcheck`'s, so the service counts the book's check as ours (the
/// book's own tool sent no User-Agent).
pub const HTTPCHECK_USER_AGENT: &str = concat!(
    "numbers-api-healthcheck/",
    env!("CARGO_PKG_VERSION"),
    " (Utilities.HttpCheck)"
);

/// Sent with numbers-web's calls of the API.
pub const WEB_USER_AGENT: &str = concat!("numbers-web/", env!("CARGO_PKG_VERSION"));

/// An HTTP client whose every call is bounded by `timeout`. A non-200
/// status is an answer to report, not an error; and no proxy from the
/// environment, which would not know loopback or a container's neighbours
/// by name.
pub fn agent(timeout: Duration, user_agent: &str) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .proxy(None)
        .user_agent(user_agent)
        .build()
        .into()
}

/// An `http://` URL with something after the scheme: what every URL
/// setting takes (the probes stay on plain HTTP, inside the container's
/// network). The error says what was expected.
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
