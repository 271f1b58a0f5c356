//! The one HTTP client of the tests: every status is an answer to assert on
//! (not an error), no proxy from the environment, no redirect followed (so
//! the lab page's 303s can be checked), and always a timeout. The small
//! helpers below read a whole answer into a [`Reply`].

use std::time::Duration;

/// How long a request may wait for its answer unless a test says otherwise:
/// the servers answer in milliseconds, a loaded machine in far under this.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A client with those settings, giving up after `timeout`.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .proxy(None)
        .build()
        .into()
}

/// What a test needs to see of an answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub allow: Option<String>,
    pub location: Option<String>,
    pub body: String,
}

impl Reply {
    /// The answer read whole, or why there was none (refused, timed out,
    /// cut short).
    pub fn read(
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Reply, ureq::Error> {
        let mut response = result?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap_or_default().to_string())
        };
        let content_type = header("content-type").unwrap_or_default();
        let allow = header("allow");
        let location = header("location");
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string()?;
        Ok(Reply {
            status,
            content_type,
            allow,
            location,
            body,
        })
    }

    /// The body as JSON; panics if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }
}

/// The answer to a request that must be answered; panics if none came.
pub fn answered(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    Reply::read(result).unwrap_or_else(|e| panic!("no answer: {e}"))
}

/// A GET that may find no answer within `timeout`: the error says why.
pub fn try_get(url: &str, timeout: Duration) -> Result<Reply, ureq::Error> {
    Reply::read(agent(timeout).get(url).call())
}

/// A POST that may find no answer within `timeout`. An empty `body` is
/// sent as no body at all, as a browser sends a form without fields.
pub fn try_post(url: &str, body: &str, timeout: Duration) -> Result<Reply, ureq::Error> {
    let request = agent(timeout).post(url);
    Reply::read(match body {
        "" => request.send_empty(),
        _ => request.send(body),
    })
}

/// A GET that must be answered within [`TIMEOUT`].
pub fn get(url: &str) -> Reply {
    try_get(url, TIMEOUT).unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// A POST that must be answered within [`TIMEOUT`].
pub fn post(url: &str, body: &str) -> Reply {
    try_post(url, body, TIMEOUT).unwrap_or_else(|e| panic!("POST {url}: {e}"))
}

/// A GET that gives up after `timeout`: `None` when no answer came in
/// time; any other failure panics.
pub fn get_within(url: &str, timeout: Duration) -> Option<Reply> {
    match try_get(url, timeout) {
        Err(ureq::Error::Timeout(_)) => None,
        other => Some(other.unwrap_or_else(|e| panic!("GET {url}: {e}"))),
    }
}
