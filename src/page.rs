//! The lab page at `/`: the service's state, a button that calls `/rng`, a
//! reset button and a live timeline of the last health probes, so a student
//! watching `docker ps` turn `(unhealthy)` also sees the probes that decide it.
//!
//! The page works in two layers:
//!
//! - Without JavaScript it is a status page rendered here, and its buttons
//!   are forms that POST to `/page/rng` and `/page/reset`, then redirect back
//!   to `/` (Post/Redirect/Get: reloading the result does not spend another
//!   call).
//! - With JavaScript (`assets/lab.js`) the buttons call `/rng` and `/reset`
//!   themselves, exactly as curl does, and the page reads `/page/state` once
//!   a second.
//!
//! Watching never changes what is watched: loading `/` or reading
//! `/page/state` is neither a call of `/rng` nor a health probe.

use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::docker_health::rfc3339_nano;
use crate::html::{escape, fill};
use crate::mode::HealthMode;
use crate::probes::{ProbeRecord, Prober};
use crate::routes::{call_rng, method_not_allowed, reset_state};
use crate::state::AppState;

const TEMPLATE: &str = include_str!("assets/lab.html");
const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/lab.js");

pub const HTML: &str = "text/html; charset=utf-8";

/// What the page says after a reset, with or without JavaScript.
const RESET_TEXT: &str = "Reset: healthy again, the count starts over.";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/")
            .route(web::get().to(index))
            .default_service(web::to(method_not_allowed("GET"))),
    )
    .service(
        web::resource("/page/state")
            .route(web::get().to(state_json))
            .default_service(web::to(method_not_allowed("GET"))),
    )
    .service(
        web::resource("/page/rng")
            .route(web::post().to(form_rng))
            .default_service(web::to(method_not_allowed("POST"))),
    )
    .service(
        web::resource("/page/reset")
            .route(web::post().to(form_reset))
            .default_service(web::to(method_not_allowed("POST"))),
    );
}

/// What the page shows: the JSON of `/page/state`, and what the server-side
/// rendering reads. The sentences are made here once, so the page reads the
/// same with and without JavaScript.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageState {
    pub healthy: bool,
    pub mode: String,
    pub calls: u64,
    pub fail_after: u64,
    /// "Healthy" or "Unhealthy".
    pub status_text: &'static str,
    /// What `/health` answers now, in words.
    pub status_detail: String,
    /// "1 of 3 calls used", or how far past the budget the count is.
    pub calls_text: String,
    /// Newest first.
    pub probes: Vec<ProbeView>,
}

/// One row of the timeline.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeView {
    /// UTC, as `docker inspect` writes a probe's `Start`, so the two can be
    /// matched.
    pub at: String,
    /// The time of day of `at`, to the millisecond.
    pub time: String,
    pub path: &'static str,
    /// "200 OK", "500 failed" or "no answer".
    pub result: String,
    /// "ok", "fail" or "held": the row's colour.
    pub outcome: &'static str,
    /// The metrics' `prober` label.
    pub prober: &'static str,
    /// Who probed, in words.
    pub who: &'static str,
    /// Where such probes come from.
    pub hint: &'static str,
}

impl PageState {
    pub fn read(state: &AppState) -> Self {
        let healthy = state.health.is_healthy();
        let mode = state.health.mode();
        let calls = state.health.calls();
        let fail_after = state.health.fail_after();
        PageState {
            healthy,
            mode: mode.to_string(),
            calls,
            fail_after,
            status_text: if healthy { "Healthy" } else { "Unhealthy" },
            status_detail: status_detail(mode, healthy),
            calls_text: calls_text(calls, fail_after),
            probes: state.probes.recent().iter().rev().map(view).collect(),
        }
    }
}

fn status_detail(mode: HealthMode, healthy: bool) -> String {
    let answer = if healthy { "200 OK" } else { "500" };
    match mode {
        HealthMode::Ok if healthy => "/health answers 200 OK.".into(),
        HealthMode::Ok => "/health answers 500: the good calls are used up.".into(),
        HealthMode::Fail => "/health answers 500 (health mode fail).".into(),
        HealthMode::Hang => {
            "/health holds every probe without an answer (health mode hang).".into()
        }
        HealthMode::Slow(delay) => format!(
            "/health answers {answer} after {}ms (health mode slow).",
            delay.as_millis()
        ),
        HealthMode::FailNext(left) => {
            format!("/health answers 500 to the next {left} probes (health mode fail-next).")
        }
        HealthMode::Flap(run) => {
            format!("/health passes and fails in runs of {run} (health mode flap).")
        }
    }
}

fn calls_text(calls: u64, fail_after: u64) -> String {
    match fail_after {
        0 => format!("{calls} calls of /rng; with fail-after 0 it never fails."),
        n if calls <= n => format!("{calls} of {n} calls used."),
        n => format!("{calls} calls of /rng: all {n} good ones are used."),
    }
}

fn view(record: &ProbeRecord) -> ProbeView {
    let (result, outcome) = match record.status {
        Some(200) => ("200 OK".to_string(), "ok"),
        Some(status) => (format!("{status} failed"), "fail"),
        None => ("no answer".to_string(), "held"),
    };
    let (who, hint) = who(record.prober);
    ProbeView {
        at: rfc3339_nano(record.at),
        time: time_of_day(record.at),
        path: record.path,
        result,
        outcome,
        prober: record.prober.label(),
        who,
        hint,
    }
}

/// Docker's own check has no name of its own: it is whatever program the
/// HEALTHCHECK runs, which the hint says.
fn who(prober: Prober) -> (&'static str, &'static str) {
    match prober {
        Prober::Curl => ("curl", "Docker's check in v2, or someone's curl"),
        Prober::NumbersApiHealthcheck => ("numbers-api healthcheck", "Docker's check in v3"),
        Prober::KubeProbe => ("kube-probe", "a Kubernetes kubelet"),
        Prober::Browser => ("a browser", "someone opened /health"),
        Prober::Other => ("other", "an unknown User-Agent"),
    }
}

/// `HH:MM:SS.mmm`, UTC.
fn time_of_day(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
        since.subsec_millis()
    )
}

/// The query string the forms redirect to. Anyone can type one, so each
/// value is checked and anything else is ignored.
#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    number: Option<String>,
    failed: Option<String>,
    reset: Option<String>,
}

/// What the last press of a button gave, when the page shows it.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Nothing,
    Number(u8),
    Failed(Option<String>),
    Reset,
}

impl Outcome {
    fn from_query(query: &str) -> Outcome {
        let query = web::Query::<PageQuery>::from_query(query)
            .map(web::Query::into_inner)
            .unwrap_or_default();
        if let Some(number) = query.number.and_then(|n| n.parse::<u8>().ok()) {
            if number < 100 {
                return Outcome::Number(number);
            }
        }
        if let Some(trace_id) = query.failed {
            return Outcome::Failed(Some(trace_id).filter(|id| looks_like_trace_id(id)));
        }
        if query.reset.is_some() {
            return Outcome::Reset;
        }
        Outcome::Nothing
    }

    /// (class, text) of the result line.
    fn message(&self) -> (&'static str, String) {
        match self {
            Outcome::Nothing => ("", String::new()),
            Outcome::Number(number) => ("ok", format!("Here it is: {number}")),
            Outcome::Failed(Some(trace_id)) => (
                "fail",
                format!("The call failed: HTTP 500, traceId {trace_id}"),
            ),
            Outcome::Failed(None) => ("fail", "The call failed: HTTP 500".into()),
            Outcome::Reset => ("info", RESET_TEXT.into()),
        }
    }
}

/// `|0000000a-1f2e.`: only what a real traceId holds, and not much of it.
fn looks_like_trace_id(text: &str) -> bool {
    (3..=32).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, '|' | '-' | '.'))
}

/// `GET /`: the page, rendered with the state of this moment.
async fn index(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    state.trace_ids.next_id();
    let page = render(
        &PageState::read(&state),
        &Outcome::from_query(req.query_string()),
        req.connection_info().host(),
    );
    HttpResponse::Ok()
        .content_type(HTML)
        // The page is the state of one moment: never show a stale copy.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page)
}

/// `GET /page/state`: what the page's script polls.
async fn state_json(state: web::Data<AppState>) -> HttpResponse {
    state.trace_ids.next_id();
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PageState::read(&state))
}

/// `POST /page/rng`: the button without JavaScript. One call of `/rng`,
/// counted exactly like curl's, then back to the page with the outcome.
async fn form_rng(state: web::Data<AppState>) -> HttpResponse {
    let location = match call_rng(&state) {
        Ok(number) => format!("/?number={number}"),
        // `|` is not allowed as is in a URL: percent-encode it.
        Err(error) => format!(
            "/?failed={}",
            error.trace_id().to_string().replace('|', "%7C")
        ),
    };
    see_other(&location)
}

/// `POST /page/reset`: `/reset`, then back to the page.
async fn form_reset(state: web::Data<AppState>) -> HttpResponse {
    reset_state(&state);
    see_other("/?reset=1")
}

/// 303: the browser follows with a GET, so a reload repeats nothing.
fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The whole page, every value escaped.
fn render(state: &PageState, outcome: &Outcome, host: &str) -> String {
    let (result_class, result_text) = outcome.message();
    fill(TEMPLATE, |name| {
        Some(match name {
            "style" => STYLE.to_string(),
            "script" => SCRIPT.to_string(),
            "status_class" => if state.healthy {
                "healthy"
            } else {
                "unhealthy"
            }
            .into(),
            "status_text" => escape(state.status_text),
            "status_detail" => escape(&state.status_detail),
            "calls_text" => escape(&state.calls_text),
            "result_class" => result_class.into(),
            "result_text" => escape(&result_text),
            "host" => escape(host),
            "probe_rows" => probe_rows(&state.probes, host),
            _ => return None,
        })
    })
}

fn probe_rows(probes: &[ProbeView], host: &str) -> String {
    if probes.is_empty() {
        return format!(
            "<tr class=\"empty\"><td colspan=\"4\">No probes yet. Docker's first probe \
             comes one interval after the start (30&nbsp;s by default); or try \
             <code>curl http://{}/health</code>.</td></tr>",
            escape(host)
        );
    }
    probes
        .iter()
        .map(|probe| {
            // The same markup as `row()` in lab.js, which adds rows later.
            format!(
                "<tr data-key=\"{key}\" data-prober=\"{prober}\">\
                 <td><time datetime=\"{at}\">{time}</time></td>\
                 <td><code>{path}</code></td>\
                 <td><span class=\"badge {outcome}\">{result}</span></td>\
                 <td><span class=\"who\">{who}</span> <span class=\"hint\">{hint}</span></td>\
                 </tr>\n",
                key = escape(&format!("{} {} {}", probe.at, probe.path, probe.prober)),
                prober = escape(probe.prober),
                at = escape(&probe.at),
                time = escape(&probe.time),
                path = escape(probe.path),
                outcome = escape(probe.outcome),
                result = escape(&probe.result),
                who = escape(probe.who),
                hint = escape(probe.hint),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_query_shows_only_what_the_forms_put_there() {
        assert_eq!(Outcome::from_query("number=42"), Outcome::Number(42));
        assert_eq!(Outcome::from_query("number=100"), Outcome::Nothing);
        assert_eq!(
            Outcome::from_query("failed=%7C0000000a-1f2e."),
            Outcome::Failed(Some("|0000000a-1f2e.".into()))
        );
        assert_eq!(
            Outcome::from_query("failed=%3Cscript%3E"),
            Outcome::Failed(None)
        );
        assert_eq!(Outcome::from_query("reset=1"), Outcome::Reset);
        assert_eq!(Outcome::from_query("%zz=&&="), Outcome::Nothing);
    }

    #[test]
    fn the_count_reads_as_calls_used_of_the_budget() {
        assert_eq!(calls_text(1, 3), "1 of 3 calls used.");
        assert_eq!(
            calls_text(4, 3),
            "4 calls of /rng: all 3 good ones are used."
        );
        assert!(calls_text(7, 0).contains("never fails"));
    }

    #[test]
    fn times_are_utc_to_the_millisecond() {
        let at = UNIX_EPOCH + Duration::from_millis(86_400_000 + 3_723_004);
        assert_eq!(time_of_day(at), "01:02:03.004");
    }

    #[test]
    fn every_placeholder_of_the_page_is_filled() {
        let state = PageState {
            healthy: true,
            mode: "ok".into(),
            calls: 0,
            fail_after: 3,
            status_text: "Healthy",
            status_detail: String::new(),
            calls_text: String::new(),
            probes: Vec::new(),
        };
        let page = render(&state, &Outcome::Nothing, "localhost:8080");
        assert!(!page.contains("{{"), "an unfilled placeholder");
    }
}
