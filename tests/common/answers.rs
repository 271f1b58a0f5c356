//! What the servers answer, as the tests check it: the API's problem+json
//! body and its traceId, and the result line of numbers-web's page.

use super::http::Reply;

pub const UNHEALTHY_TYPE: &str = "https://tools.ietf.org/html/rfc7231#section-6.6.1";
pub const UNHEALTHY_TITLE: &str = "An error occured while processing your request.";
/// The lab's 500 up to its traceId, which differs on every answer.
pub const UNHEALTHY_BODY_START: &str = r#"{"type":"https://tools.ietf.org/html/rfc7231#section-6.6.1","title":"An error occured while processing your request.","status":500,"traceId":"|"#;

/// Checks an error body field by field, in ASP.NET Core's order, and
/// returns its traceId.
pub fn assert_problem(reply: &Reply, status: u16, kind: &str, title: &str) -> String {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(
        reply.content_type,
        "application/problem+json; charset=utf-8"
    );
    let prefix = format!(r#"{{"type":"{kind}","title":"{title}","status":{status},"traceId":""#);
    assert!(
        reply.body.starts_with(&prefix),
        "body {} does not start with {prefix}",
        reply.body
    );
    let trace_id = reply.body[prefix.len()..]
        .strip_suffix("\"}")
        .expect("the body ends with the traceId")
        .to_string();
    assert_trace_id_shape(&trace_id);
    trace_id
}

/// `|` + 8 hex digits + `-` + 1 to 16 hex digits + `.`; returns the hex
/// digits after the dash.
pub fn assert_trace_id_shape(trace_id: &str) -> &str {
    let inner = trace_id
        .strip_prefix('|')
        .and_then(|s| s.strip_suffix('.'))
        .unwrap_or_else(|| panic!("bad traceId {trace_id}"));
    let (counter, suffix) = inner.split_once('-').expect("a dash");
    let hex = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    };
    assert!(
        counter.len() == 8 && hex(counter),
        "bad counter in {trace_id}"
    );
    assert!(
        (1..=16).contains(&suffix.len()) && hex(suffix),
        "bad suffix in {trace_id}"
    );
    suffix
}

/// The line numbers-web's page shows after its button: `Here it is: N`,
/// `RNG service unavailable!`, or nothing before the first press.
pub fn result_line(page: &str) -> &str {
    let start = page
        .find("id=\"result\"")
        .unwrap_or_else(|| panic!("no result line in {page}"));
    let text = &page[start..];
    let text = &text[text.find('>').expect("a tag") + 1..];
    &text[..text.find('<').expect("a closing tag")]
}
