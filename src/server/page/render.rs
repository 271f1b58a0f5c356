//! The page as HTML: `assets/lab.html`, checked by askama when the crate
//! compiles, with every value but the CSS and JavaScript escaped.

use actix_web::web;
use askama::Template;
use serde::Deserialize;

use super::view::PageView;
use crate::server::probe_log::ProbeLog;

/// `assets/lab.html` with what it shows; without `--control`, no reset.
#[derive(Template)]
#[template(path = "lab.html", config = "src/assets/askama.toml")]
struct LabPage<'a> {
    view: &'a PageView,
    result_class: &'static str,
    result_text: String,
    host: &'a str,
    control: bool,
    probe_log_capacity: usize,
    style: &'static str,
    script: &'static str,
}

/// The query string the forms redirect to: checked, since anyone can type one.
#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    number: Option<String>,
    failed: Option<String>,
    reset: Option<String>,
}

/// What the last press of a button gave, when the page shows it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Pressed {
    Nothing,
    Number(u8),
    Failed(Option<String>),
    Reset,
}

impl Pressed {
    pub(super) fn from_query(query: &str) -> Pressed {
        let query = web::Query::<PageQuery>::from_query(query)
            .map(web::Query::into_inner)
            .unwrap_or_default();
        let number = query.number.and_then(|n| n.parse::<u8>().ok());
        if let Some(number) = number.filter(|&number| number < 100) {
            return Pressed::Number(number);
        }
        if let Some(trace_id) = query.failed {
            return Pressed::Failed(Some(trace_id).filter(|id| looks_like_trace_id(id)));
        }
        if query.reset.is_some() {
            return Pressed::Reset;
        }
        Pressed::Nothing
    }

    /// (class, text) of the result line.
    fn message(&self, view: &PageView) -> (&'static str, String) {
        match self {
            Pressed::Nothing => ("", String::new()),
            Pressed::Number(number) => ("ok", format!("Here it is: {number}")),
            Pressed::Failed(Some(trace_id)) => (
                "fail",
                format!("The call failed: HTTP 500, traceId {trace_id}"),
            ),
            Pressed::Failed(None) => ("fail", "The call failed: HTTP 500".into()),
            Pressed::Reset => ("info", format!("Reset: {}", view.reset_effect)),
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

/// The whole page, every value escaped. `control` is `--control`.
pub(super) fn render(
    view: &PageView,
    outcome: &Pressed,
    host: &str,
    control: bool,
) -> askama::Result<String> {
    // Without control, `/?reset=1` would claim a reset that never happened.
    let outcome = match outcome {
        Pressed::Reset if !control => &Pressed::Nothing,
        other => other,
    };
    let (result_class, result_text) = outcome.message(view);
    LabPage {
        view,
        result_class,
        result_text,
        host,
        control,
        probe_log_capacity: ProbeLog::CAPACITY,
        style: include_str!("../../assets/style.css"),
        script: include_str!("../../assets/lab.js"),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::server::lesson::Rule;
    use crate::server::mode::HealthMode;
    use crate::server::probe_log::{ProbeAnswer, ProbeRecord, Prober};
    use crate::server::state::Snapshot;

    #[test]
    fn the_query_shows_only_what_the_forms_put_there() {
        assert_eq!(Pressed::from_query("number=42"), Pressed::Number(42));
        assert_eq!(Pressed::from_query("number=100"), Pressed::Nothing);
        assert_eq!(
            Pressed::from_query("failed=%7C0000000a-1f2e."),
            Pressed::Failed(Some("|0000000a-1f2e.".into()))
        );
        assert_eq!(
            Pressed::from_query("failed=%3Cscript%3E"),
            Pressed::Failed(None)
        );
        assert_eq!(Pressed::from_query("reset=1"), Pressed::Reset);
        assert_eq!(Pressed::from_query("%zz=&&="), Pressed::Nothing);
    }

    /// The page's view of a service `calls` calls into a budget of 3, with
    /// these probes in its log (oldest first).
    fn view(calls: u64, probes: Vec<ProbeRecord>) -> PageView {
        PageView::of(Snapshot {
            mode: HealthMode::Ok,
            healthy: calls <= 3,
            ready: true,
            calls,
            fail_after: 3,
            rule: Rule::Chapter8,
            marked: false,
            probes,
        })
    }

    fn page(view: &PageView, outcome: &Pressed, host: &str, control: bool) -> String {
        render(view, outcome, host, control).expect("the page renders")
    }

    #[test]
    fn without_control_the_page_offers_no_reset_and_says_why() {
        let state = view(4, Vec::new());

        let on = page(&state, &Pressed::Reset, "localhost:8080", true);
        let off = page(&state, &Pressed::Reset, "localhost:8080", false);

        assert!(on.contains(r#"action="/page/reset""#));
        // The result line, not the script, which holds the same sentence.
        let reset_line = ">Reset: healthy again, the count starts over.</p>";
        assert!(on.contains(reset_line));
        assert!(on.contains("Reset is <code>/reset</code>: healthy again"));
        // The markup, not the script, which looks for the form by id.
        assert!(!off.contains(r#"id="reset-form""#) && !off.contains(r#"action="/page/reset""#));
        assert!(!off.contains(reset_line), "claims a reset that was refused");
        assert!(off.contains("Reset is turned off on this service (<code>--control false</code>)."));
    }

    #[test]
    fn the_timeline_has_one_row_per_probe_newest_first_or_a_hint_when_empty() {
        let probe = |second: u64, answer| ProbeRecord {
            at: SystemTime::UNIX_EPOCH + Duration::from_secs(second),
            path: "/health",
            answer,
            prober: Prober::Curl,
        };
        let probes = vec![probe(1, ProbeAnswer::Ok), probe(2, ProbeAnswer::Hang)];

        let two = page(&view(0, probes), &Pressed::Nothing, "lab:8080", true);
        let none = page(&view(0, Vec::new()), &Pressed::Nothing, "lab:8080", true);

        let hang = two.find(r#"<span class="badge hang">no answer</span>"#);
        let ok = two.find(r#"<span class="badge ok">200 OK</span>"#);
        assert!(hang.is_some() && hang < ok, "newest first: {two}");
        assert!(two.contains(concat!(
            r#"<tr data-key="1970-01-01T00:00:02Z /health curl" data-prober="curl">"#,
            r#"<td><time datetime="1970-01-01T00:00:02Z">00:00:02.000</time></td>"#,
        )));
        assert!(!two.contains("No probes yet"));
        assert!(none.contains("No probes yet."));
        assert!(none.contains("<code>curl http://lab:8080/health</code>"));
        assert!(none.contains("The last 50 probes"));
    }

    #[test]
    fn what_the_page_did_not_write_is_escaped() {
        let state = view(0, Vec::new());

        let html = page(&state, &Pressed::Nothing, r#"<i class="x">&'"#, true);

        assert!(!html.contains("<i class"), "{html}");
        assert!(html.contains("&#60;i class=&#34;x&#34;&#62;&#38;&#39;"));
    }
}
