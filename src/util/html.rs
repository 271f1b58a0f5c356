//! HTML for the two pages (the lab page at `/` and numbers-web's page):
//! escaping, and filling a template kept as a plain `.html` file under
//! `src/assets/` and embedded in the binary, so there is no build step and
//! the image stays one file.
//!
//! Everything that did not come from the binary itself goes through
//! [`escape`]: a User-Agent, a query string or an API's answer must never
//! become markup.

/// Escapes text for use in HTML content and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Replaces each `{{name}}` of `template` with the markup `value(name)`
/// returns, in a single pass: a value that happens to contain `{{...}}` is
/// never expanded again. An unknown name is left as written, so a typo shows
/// on the page (and in the tests) instead of vanishing.
pub fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut page = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        page.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = &after[..end];
                match value(name) {
                    Some(markup) => page.push_str(&markup),
                    None => page.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                page.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    page.push_str(rest);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_stay() {
        let page = fill("<p>{{a}} {{b}} {{c</p>", |name| match name {
            "a" => Some("{{b}}".to_string()),
            _ => None,
        });
        assert_eq!(page, "<p>{{b}} {{b}} {{c</p>");
    }
}
