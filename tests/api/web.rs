//! numbers-web (`numbers-api web`): the book's page, calling a real API
//! over the network, and what it says when the API cannot answer.

use std::time::{Duration, Instant};

use numbers_api::{server, web};

use crate::common::answers::result_line;
use crate::common::ports::nothing_listening;
use crate::common::server::spawn;
use crate::common::silent_server::SilentServer;

#[test]
fn the_page_offers_the_button_and_no_number_yet() {
    let web = spawn(web::Config::for_tests(&nothing_listening("/rng")));

    let reply = web.get("/");

    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "text/html; charset=utf-8");
    assert!(reply.body.contains(">Get a random number</button>"));
    assert_eq!(result_line(&reply.body), "");
}

#[test]
fn the_button_shows_a_number_from_the_api_then_the_apis_failure() {
    let api = spawn(server::Config::for_tests(1));
    let web = spawn(web::Config::for_tests(&api.url("/rng")));

    let first = web.post("/");
    let second = web.post("/");

    let number = result_line(&first.body)
        .strip_prefix("Here it is: ")
        .unwrap_or_else(|| panic!("no number: {}", result_line(&first.body)));
    assert!(number.parse::<u8>().is_ok_and(|n| n < 100), "{number}");
    assert_eq!(result_line(&second.body), "RNG service unavailable!");
    assert_eq!(second.status, 200, "the web app itself is fine");
}

#[test]
fn an_api_that_is_not_there_is_unavailable() {
    let web = spawn(web::Config::for_tests(&nothing_listening("/rng")));

    let reply = web.post("/");

    assert_eq!(result_line(&reply.body), "RNG service unavailable!");
}

#[test]
fn an_api_that_never_answers_is_given_up_on_after_the_timeout() {
    let silent = SilentServer::start();
    let url = silent.url("/rng");
    let web = spawn(web::Config {
        api_timeout: Duration::from_millis(300),
        ..web::Config::for_tests(&url)
    });

    let started = Instant::now();
    let reply = web.post("/");
    let took = started.elapsed();

    println!("gave up after {took:?} (api timeout 300 ms)");
    assert_eq!(result_line(&reply.body), "RNG service unavailable!");
    // The slowest of ten with two CPU-bound processes beside the tests took
    // 346 ms; 1.5 s is over four times that, and under numbers-web's 2 s
    // default, which an ignored 300 ms would wait out.
    assert!(took < Duration::from_millis(1500), "took {took:?}");
}

#[test]
fn the_web_apps_health_does_not_depend_on_the_api() {
    let api = spawn(server::Config::for_tests(1));
    api.get("/rng");
    api.get("/rng");
    let web = spawn(web::Config::for_tests(&api.url("/rng")));

    let health = web.get("/health");

    assert_eq!(api.get("/health").status, 500);
    assert_eq!(health.status, 200);
    assert_eq!(health.body, "Ok");
}

#[test]
fn an_unknown_path_is_404() {
    let web = spawn(web::Config::for_tests(&nothing_listening("/rng")));

    let reply = web.get("/no-such-page");

    assert_eq!(reply.status, 404, "{reply:?}");
    assert_eq!(reply.body, "Not Found");
}
