//! numbers-web, the book's second service: a page whose button asks the API for a number.
//! Its `/health` never calls the API, or a broken API would get working web apps replaced.

pub mod check;

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, HttpResponse};

use crate::startup::running::{self, Bound};
use crate::util::http::{self, content_type::TEXT, fresh_html, WEB_USER_AGENT};
use crate::util::telemetry::LogLevel;

/// What numbers-web runs with, built by the command line or by a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    /// The API's `/rng`, called each time the page's button is pressed.
    pub api_url: String,
    /// How long a call of the API may take, and the start-up check too.
    pub api_timeout: Duration,
    pub workers: usize,
    /// The URL `--check-api` probes before serving, if any.
    pub check_url: Option<String>,
    pub log_level: Option<LogLevel>,
}

impl Config {
    pub fn summary(&self) -> String {
        let timeout = crate::util::duration::format(self.api_timeout);
        format!("API {}, timeout {timeout}", self.api_url)
    }

    /// For tests: a free loopback port, two workers, no start-up check.
    pub fn for_tests(api_url: &str) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_url: api_url.to_string(),
            api_timeout: Duration::from_secs(2),
            workers: 2,
            check_url: None,
            log_level: None,
        }
    }
}

/// The API answers a bare integer; anything much longer is not a number.
const MAX_ANSWER: u64 = 1024;

/// The book's words, kept as they are: students compare them with its pages.
const UNAVAILABLE: &str = "RNG service unavailable!";

struct Api {
    url: String,
    agent: ureq::Agent,
}

/// Builds numbers-web on a bound listener; it serves once run.
pub fn build(config: &Config, listener: TcpListener) -> io::Result<Bound> {
    let api = web::Data::new(Api {
        url: config.api_url.clone(),
        // A hung API costs the page the timeout, never a worker.
        agent: http::agent(config.api_timeout, WEB_USER_AGENT),
    });
    let routes = move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(api.clone())
            .service(
                web::resource("/")
                    .route(web::get().to(page))
                    .route(web::post().to(page_with_number)),
            )
            .service(web::resource(["/health", "/healthz"]).route(web::get().to(health)))
            .default_service(web::to(not_found));
    };
    let lifecycle = Arc::default();
    running::build(listener, config.workers, routes, lifecycle, Duration::ZERO)
}

async fn page(api: web::Data<Api>) -> HttpResponse {
    fresh_html(render(&api.url, None))
}

/// `POST /`: the button; the blocking call runs on actix's blocking pool.
async fn page_with_number(api: web::Data<Api>) -> HttpResponse {
    let agent = api.agent.clone();
    let url = api.url.clone();
    let answer = web::block(move || call_api(&agent, &url))
        .await
        .unwrap_or_else(|error| Err(format!("the call did not finish: {error}")));
    match &answer {
        Ok(number) => log::debug!("Got random number: {number}"),
        Err(reason) => log::warn!("{UNAVAILABLE} {} {reason}", api.url),
    }
    fresh_html(render(&api.url, Some(answer.map_err(|_| ()))))
}

/// One call of the API: the number, or why there is none.
fn call_api(agent: &ureq::Agent, url: &str) -> Result<i64, String> {
    let mut response = agent.get(url).call().map_err(|error| error.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_string()
        .map_err(|error| error.to_string())?;
    if status != 200 {
        return Err(format!("answered HTTP {status}"));
    }
    body.trim()
        .parse()
        .map_err(|_| format!("answered {:?}, not a number", body.trim()))
}

/// numbers-web's own health: it answers, so it is up; blind to the API.
async fn health() -> HttpResponse {
    HttpResponse::Ok().content_type(TEXT).body("Ok")
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type(TEXT)
        .body("Not Found")
}

/// `assets/web.html`; askama escapes every value but the CSS.
#[derive(askama::Template)]
#[template(path = "web.html", config = "src/assets/askama.toml")]
struct WebPage<'a> {
    result_class: &'static str,
    result_text: String,
    api_url: &'a str,
    style: &'static str,
}

/// The page, with the outcome of a press if there was one.
fn render(api_url: &str, outcome: Option<Result<i64, ()>>) -> String {
    let (result_class, result_text) = match outcome {
        None => ("", String::new()),
        Some(Ok(number)) => ("ok", format!("Here it is: {number}")),
        Some(Err(())) => ("fail", UNAVAILABLE.to_string()),
    };
    let page = WebPage {
        result_class,
        result_text,
        api_url,
        style: include_str!("../assets/style.css"),
    };
    // Formatting our own strings cannot fail.
    askama::Template::render(&page).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_shows_the_outcome_and_escapes_the_api_url() {
        for (outcome, line) in [
            (None, r#"class="result ""#),
            (Some(Ok(42)), ">Here it is: 42</p>"),
            (Some(Err(())), ">RNG service unavailable!</p>"),
        ] {
            let page = render("http://numbers-api/rng?<x>", outcome);
            assert!(page.contains(line), "{page}");
            assert!(page.contains("http://numbers-api/rng?&#60;x&#62;"));
        }
    }
}
