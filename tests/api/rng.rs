use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use numbers_api::server::Config;

use crate::common::answers::{assert_problem, UNHEALTHY_TITLE, UNHEALTHY_TYPE};
use crate::common::server::spawn;

#[test]
fn rng_returns_a_bare_integer_from_0_to_99_as_json() {
    let app = spawn(Config::for_tests(0));

    for _ in 0..200 {
        let reply = app.get("/rng");

        assert_eq!(reply.status, 200);
        assert_eq!(reply.content_type, "application/json; charset=utf-8");
        assert!(!reply.body.ends_with('\n'), "no newline: {:?}", reply.body);
        let number: u8 = reply.body.parse().expect("a bare integer");
        assert!(number < 100);
        assert_eq!(number.to_string(), reply.body, "no padding or quotes");
    }
}

#[test]
fn rng_numbers_cover_the_range_and_vary() {
    let app = spawn(Config::for_tests(0));

    let numbers: Vec<u8> = (0..1000)
        .map(|_| {
            let reply = app.get("/rng");
            assert_eq!(reply.status, 200, "{reply:?}");
            reply.body.parse().expect("a bare integer")
        })
        .collect();

    assert!(numbers.iter().all(|&n| n <= 99), "{numbers:?}");
    let distinct: std::collections::BTreeSet<u8> = numbers.iter().copied().collect();
    // 1,000 uniform draws from 100 values miss fewer than ten of them
    // with overwhelming probability; a constant or a short cycle has few.
    assert!(
        distinct.len() >= 50,
        "{} distinct values in 1000 calls: {distinct:?}",
        distinct.len()
    );
}

#[test]
fn rng_returns_500_after_the_third_call() {
    let app = spawn(Config::for_tests(3));

    let good: Vec<_> = (0..3).map(|_| app.get("/rng")).collect();
    let fourth = app.get("/rng");
    let fifth = app.get("/rng");

    assert!(good.iter().all(|r| r.status == 200), "{good:?}");
    let first_id = assert_problem(&fourth, 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);
    let second_id = assert_problem(&fifth, 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);
    // One request apart: the counter advanced by one, the suffix is fixed.
    let counter = |id: &str| u32::from_str_radix(&id[1..9], 16).unwrap();
    assert_eq!(counter(&second_id), counter(&first_id).wrapping_add(1));
    assert_eq!(first_id[9..], second_id[9..]);
}

#[test]
fn the_trace_counter_advances_on_every_request_not_only_failures() {
    let app = spawn(Config::for_tests(1));

    app.get("/rng");
    let first = assert_problem(&app.get("/rng"), 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);
    app.get("/health");
    app.get("/reset");
    app.get("/rng");
    let second = assert_problem(&app.get("/rng"), 500, UNHEALTHY_TYPE, UNHEALTHY_TITLE);

    let counter = |id: &str| u32::from_str_radix(&id[1..9], 16).unwrap();
    assert_eq!(counter(&second), counter(&first).wrapping_add(4));
}

#[test]
fn fail_after_zero_never_fails() {
    let app = spawn(Config::for_tests(0));

    let statuses: Vec<u16> = (0..500).map(|_| app.get("/rng").status).collect();

    assert!(statuses.iter().all(|&s| s == 200));
    assert_eq!(app.get("/health").body, "Ok");
}

#[test]
fn counting_is_exact_under_concurrency() {
    const FAIL_AFTER: usize = 500;
    const CLIENTS: usize = 64;
    const CALLS_EACH: usize = 12;
    let app = Arc::new(spawn(Config::for_tests(FAIL_AFTER as u64)));
    let ok = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));

    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (app, ok, failed) = (app.clone(), ok.clone(), failed.clone());
            std::thread::spawn(move || {
                for _ in 0..CALLS_EACH {
                    match app.get("/rng").status {
                        200 => ok.fetch_add(1, Ordering::Relaxed),
                        500 => failed.fetch_add(1, Ordering::Relaxed),
                        other => panic!("unexpected status {other}"),
                    };
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("client thread");
    }

    assert_eq!(ok.load(Ordering::Relaxed), FAIL_AFTER);
    assert_eq!(
        failed.load(Ordering::Relaxed),
        CLIENTS * CALLS_EACH - FAIL_AFTER
    );
}
