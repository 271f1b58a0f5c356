//! The page as HTML: the template filled with the state, and the line that
//! says what the last press of a button gave.

use actix_web::web;
use serde::Deserialize;

use super::view::{PageState, ProbeView};
use crate::util::html::{escape, fill};

const TEMPLATE: &str = include_str!("../../assets/lab.html");
const STYLE: &str = include_str!("../../assets/style.css");
const SCRIPT: &str = include_str!("../../assets/lab.js");

/// What the page says after a reset, with or without JavaScript.
const RESET_TEXT: &str = "Reset: healthy again, the count starts over.";

/// The reset button, a form so it works without JavaScript. Only on a page
/// whose service takes resets: a button that can only fail teaches nothing.
const RESET_FORM: &str = r#"<form id="reset-form" method="post" action="/page/reset">
          <button type="submit" id="reset-button" class="secondary" aria-describedby="reset-note">Reset</button>
        </form>"#;
/// The note under the buttons, on what reset does or why there is none.
const RESET_NOTE: &str = "Reset is <code>/reset</code>: healthy again, the count starts over.";
const RESET_OFF_NOTE: &str = "Reset is turned off on this service (<code>--control false</code>).";

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
        if let Some(number) = query.number.and_then(|n| n.parse::<u8>().ok()) {
            if number < 100 {
                return Pressed::Number(number);
            }
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
    fn message(&self) -> (&'static str, String) {
        match self {
            Pressed::Nothing => ("", String::new()),
            Pressed::Number(number) => ("ok", format!("Here it is: {number}")),
            Pressed::Failed(Some(trace_id)) => (
                "fail",
                format!("The call failed: HTTP 500, traceId {trace_id}"),
            ),
            Pressed::Failed(None) => ("fail", "The call failed: HTTP 500".into()),
            Pressed::Reset => ("info", RESET_TEXT.into()),
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

/// The whole page, every value escaped. `control` is `--control`: without
/// it the page offers no reset.
pub(super) fn render(state: &PageState, outcome: &Pressed, host: &str, control: bool) -> String {
    // Anyone can type `/?reset=1`: without control it would claim a reset
    // that cannot have happened.
    let outcome = match outcome {
        Pressed::Reset if !control => &Pressed::Nothing,
        other => other,
    };
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
            "reset_form" => if control { RESET_FORM } else { "" }.into(),
            "reset_note" => if control { RESET_NOTE } else { RESET_OFF_NOTE }.into(),
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
        for control in [true, false] {
            let page = render(&state, &Pressed::Nothing, "localhost:8080", control);
            assert!(!page.contains("{{"), "an unfilled placeholder");
        }
    }

    #[test]
    fn without_control_the_page_offers_no_reset_and_says_why() {
        let state = PageState {
            healthy: false,
            mode: "ok".into(),
            calls: 4,
            fail_after: 3,
            status_text: "Unhealthy",
            status_detail: String::new(),
            calls_text: String::new(),
            probes: Vec::new(),
        };

        let on = render(&state, &Pressed::Reset, "localhost:8080", true);
        let off = render(&state, &Pressed::Reset, "localhost:8080", false);

        assert!(on.contains(r#"action="/page/reset""#));
        // The result line, not the script, which holds the same sentence.
        let reset_line = format!(">{RESET_TEXT}</p>");
        assert!(on.contains(&reset_line));
        // The markup, not the script, which looks for the form by id.
        assert!(!off.contains(r#"id="reset-form""#) && !off.contains(r#"action="/page/reset""#));
        assert!(
            !off.contains(&reset_line),
            "claims a reset that was refused"
        );
        assert!(off.contains(RESET_OFF_NOTE));
    }
}
