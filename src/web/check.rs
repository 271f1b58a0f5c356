//! numbers-web's start-up dependency check (`--check-api`): the book's
//! `curl --fail http://numbers-api/rng && dotnet Numbers.Web.dll`, without a
//! shell or curl. Before serving, numbers-web probes the API once with the
//! `healthcheck` probe; when that fails it exits 1, and a restart policy
//! (`restart: on-failure`) tries again until the API answers.

use crate::cli::{HealthcheckSettings, WebSettings};
use crate::tools::healthcheck::{self, Report};

/// What `--check-api` probes before numbers-web serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiCheck {
    /// No check (`false`): the same as leaving the setting out.
    Off,
    /// The API's `/health`, derived from `--api-url`: no call is spent.
    Health,
    /// This URL, whatever it costs (the book probes `/rng`).
    Url(String),
}

impl ApiCheck {
    /// The URL to probe, if any, for numbers-web calling `api_url`.
    pub fn url(&self, api_url: &str) -> Option<String> {
        match self {
            ApiCheck::Off => None,
            ApiCheck::Health => Some(health_url_of(api_url)),
            ApiCheck::Url(url) => Some(url.clone()),
        }
    }
}

/// The API's `/health` beside its `/rng`: the last segment of the URL's path
/// replaced by `health`, query and fragment dropped
/// (`http://numbers-api/rng` gives `http://numbers-api/health`).
pub fn health_url_of(api_url: &str) -> String {
    let end = api_url.find(['?', '#']).unwrap_or(api_url.len());
    let url = &api_url[..end];
    let scheme = url.find("://").map_or(0, |at| at + 3);
    match url[scheme..].rfind('/') {
        Some(slash) => format!("{}health", &url[..scheme + slash + 1]),
        None => format!("{url}/health"),
    }
}

/// One probe of the API before numbers-web serves, bounded by the web app's
/// `--api-timeout`. `None` when the check is off; the caller exits 1 when
/// the report says it failed.
pub fn check_api(settings: &WebSettings) -> Option<Report> {
    let url = settings.check_api.as_ref()?;
    Some(healthcheck::probe(&HealthcheckSettings {
        url: url.clone(),
        timeout: settings.api_timeout,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{parse, ConfigError, Invocation};

    fn web(args: &[&str]) -> WebSettings {
        let argv = ["numbers-api", "web"]
            .into_iter()
            .chain(args.iter().copied());
        match parse(argv) {
            Ok(Invocation::Web(settings)) => settings,
            other => panic!("expected web settings, got {other:?}"),
        }
    }

    #[test]
    fn check_api_is_off_unless_asked_for() {
        assert_eq!(web(&[]).check_api, None);
        assert_eq!(web(&["--check-api", "false"]).check_api, None);
    }

    #[test]
    fn a_bare_check_api_probes_the_health_beside_the_api_url() {
        let derived = Some("http://numbers-api/health".to_string());
        for args in [
            &["--check-api"][..],
            &["--check-api", "health"],
            &["--check-api=true"],
        ] {
            let mut args = args.to_vec();
            args.extend(["--api-url", "http://numbers-api/rng"]);
            assert_eq!(web(&args).check_api, derived, "{args:?}");
        }
        // The flag takes an optional value: a bare flag before another
        // flag does not swallow it.
        let settings = web(&["--check-api", "--api-url", "http://numbers-api/rng"]);
        assert_eq!(settings.api_url, "http://numbers-api/rng");
        assert_eq!(settings.check_api, derived);
        // The default API URL, on loopback.
        assert_eq!(
            web(&["--check-api"]).check_api.as_deref(),
            Some("http://127.0.0.1:8080/health")
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
    fn check_api_takes_a_url_such_as_the_books_rng() {
        let settings = web(&["--check-api", "http://numbers-api/rng"]);
        assert_eq!(
            settings.check_api.as_deref(),
            Some("http://numbers-api/rng")
        );
    }

    #[test]
    fn a_bad_check_api_value_is_named_on_one_line() {
        for bad in ["numbers-api/health", "yes", "http://"] {
            let err = parse(["numbers-api", "web", "--check-api", bad]).unwrap_err();
            match err {
                ConfigError::Invalid(message) => {
                    assert!(message.contains(&format!("'{bad}'")), "{message}");
                    assert!(message.contains("--check-api"), "{message}");
                    assert!(message.contains("NUMBERS_WEB_CHECK_API"), "{message}");
                    assert!(!message.contains('\n'), "{message}");
                    // It says what the setting takes, not only what a URL is.
                    if !bad.starts_with("http://") {
                        assert!(message.contains("expected health"), "{message}");
                    }
                }
                ConfigError::Display(e) => panic!("unexpected display: {e}"),
            }
        }
    }
}
