//! numbers-web in chromium, against the real API, both in process.

use numbers_api::{server, web};

use crate::browser::driver::{browser_or_skip, Browser, Scripts, WAIT};
use crate::common::server::spawn;

#[test]
fn the_web_app_shows_numbers_then_rng_service_unavailable() {
    if !browser_or_skip("numbers-web") {
        return;
    }
    let api = spawn(server::Config::for_tests(3));
    let web = spawn(web::Config::for_tests(&api.url("/rng")));
    let browser = Browser::open(Scripts::On);
    browser.goto(&web.url("/"));

    let lines: Vec<String> = (0..4)
        .map(|_| {
            browser.submit("#rng-button");
            browser.wait_for_text("#result", WAIT, |t| !t.is_empty())
        })
        .collect();
    browser.screenshot("web-page-unavailable");

    assert!(
        lines[..3].iter().all(|l| l.starts_with("Here it is: ")),
        "{lines:?}"
    );
    assert_eq!(lines[3], "RNG service unavailable!");
}
