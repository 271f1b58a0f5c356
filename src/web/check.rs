//! numbers-web's `--check-api`: the book's `curl --fail ... && dotnet
//! Numbers.Web.dll` without a shell, one probe before serving.

use std::str::FromStr;

use super::Config;
use crate::tools::healthcheck::{self, Client};
use crate::util::http::parse_url;

/// What `--check-api` asks to probe before numbers-web serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiCheck {
    /// No check (`false`).
    Off,
    /// The API's `/health` beside `--api-url` (`health`, `true`, bare).
    Health,
    /// This URL, whatever it costs (the book probes `/rng`).
    Url(String),
}

impl ApiCheck {
    /// The URL to probe, if any, for numbers-web calling `api_url`.
    pub fn check_url(&self, api_url: &str) -> Option<String> {
        match self {
            ApiCheck::Off => None,
            ApiCheck::Health => Some(health_url_of(api_url)),
            ApiCheck::Url(url) => Some(url.clone()),
        }
    }
}

impl FromStr for ApiCheck {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value.trim() {
            "health" | "true" => Ok(ApiCheck::Health),
            "false" => Ok(ApiCheck::Off),
            url if url.starts_with("http://") => parse_url(url).map(ApiCheck::Url),
            _ => Err(
                "expected health (the API's /health, from --api-url), an http:// URL such as http://numbers-api/rng, or false"
                    .into(),
            ),
        }
    }
}

/// The API's `/health` beside its `/rng`: the last segment replaced.
pub fn health_url_of(api_url: &str) -> String {
    let end = api_url.find(['?', '#']).unwrap_or(api_url.len());
    let url = &api_url[..end];
    let scheme = url.find("://").map_or(0, |at| at + 3);
    match url[scheme..].rfind('/') {
        Some(slash) => format!("{}health", &url[..scheme + slash + 1]),
        None => format!("{url}/health"),
    }
}

/// Probes the check URL once; the error is the line to print.
pub fn check_api(config: &Config) -> Result<(), String> {
    let Some(check_url) = &config.check_url else {
        return Ok(());
    };
    let report = healthcheck::probe(check_url, config.api_timeout, Client::Healthcheck);
    if report.exit_code() != 0 {
        return Err(format!("the API check failed (--check-api): {report}"));
    }
    log::info!("the API check passed (--check-api): {report}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::time::Duration;

    use super::*;

    /// A loopback URL where nothing listens: the port was bound a moment
    /// ago and released, so a request there is refused.
    fn nothing_listening(path: &str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let address = listener.local_addr().expect("its address");
        drop(listener);
        format!("http://{address}{path}")
    }

    #[test]
    fn the_setting_reads_health_a_url_or_false() {
        for health in ["health", "true", " health "] {
            assert_eq!(health.parse(), Ok(ApiCheck::Health), "{health:?}");
        }
        assert_eq!("false".parse(), Ok(ApiCheck::Off));
        for url in ["http://numbers-api/rng", " http://numbers-api/rng\n"] {
            assert_eq!(
                url.parse(),
                Ok(ApiCheck::Url("http://numbers-api/rng".into())),
                "{url:?}"
            );
        }
        for bad in ["numbers-api/health", "yes", "http://", "True", ""] {
            assert!(bad.parse::<ApiCheck>().is_err(), "{bad:?} was accepted");
        }
        let err = "yes".parse::<ApiCheck>().unwrap_err();
        assert!(err.starts_with("expected health"), "{err}");
    }

    #[test]
    fn the_check_url_is_the_health_beside_the_api_url_or_the_url_given() {
        let api = "http://numbers-api/rng";
        assert_eq!(ApiCheck::Off.check_url(api), None);
        assert_eq!(
            ApiCheck::Health.check_url(api).as_deref(),
            Some("http://numbers-api/health")
        );
        assert_eq!(
            ApiCheck::Url(api.into()).check_url(api).as_deref(),
            Some(api)
        );
    }

    #[test]
    fn the_health_url_replaces_the_last_segment_of_the_api_url() {
        for (api, health) in [
            ("http://numbers-api/rng", "http://numbers-api/health"),
            (
                "http://numbers-api:8080/rng?x=1#y",
                "http://numbers-api:8080/health",
            ),
            (
                "http://gateway/numbers/rng",
                "http://gateway/numbers/health",
            ),
            ("http://numbers-api", "http://numbers-api/health"),
            ("http://numbers-api/", "http://numbers-api/health"),
            ("http://[::1]:8080/rng", "http://[::1]:8080/health"),
            // A host shorter than the scheme: the path starts right after it.
            ("http://a/rng", "http://a/health"),
        ] {
            assert_eq!(health_url_of(api), health, "{api}");
        }
    }

    #[test]
    fn no_check_url_means_no_probe() {
        // Nothing listens at the API: a probe would fail.
        let config = Config::for_tests(&nothing_listening("/rng"));

        assert_eq!(check_api(&config), Ok(()));
    }

    #[test]
    fn a_failed_probe_is_one_line_naming_the_setting_and_the_url() {
        let url = nothing_listening("/health");
        let config = Config {
            check_url: Some(url.clone()),
            api_timeout: Duration::from_secs(2),
            ..Config::for_tests(&url.replace("/health", "/rng"))
        };

        let line = check_api(&config).unwrap_err();

        let prefix =
            format!("the API check failed (--check-api): HTTPCheck: error, url {url}, took ");
        assert!(line.starts_with(&prefix), "{line}");
        assert!(!line.contains('\n'), "{line}");
    }
}
