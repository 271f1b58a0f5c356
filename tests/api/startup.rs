//! The one start-up both servers share, in process: the start-up delay, a
//! stop during it, and a failed bind that names the setting.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use numbers_api::{server, web};

use crate::common::ports::nothing_listening;
use crate::common::server::{start, NotStarted, START_DEADLINE};

const DELAY: Duration = Duration::from_millis(300);

#[test]
fn the_api_listens_only_after_its_startup_delay() {
    let began = Instant::now();

    let starting = start(server::Config {
        startup_delay: DELAY,
        ..server::Config::for_tests(3)
    });

    // Load can only make the start-up later, never earlier.
    assert_eq!(
        starting.outcome(DELAY / 2),
        None,
        "listening before the delay"
    );
    let app = starting.listening(DELAY + START_DEADLINE);
    assert!(
        began.elapsed() >= DELAY,
        "listening after {:?}",
        began.elapsed()
    );
    assert_eq!(app.get("/health").status, 200);
}

#[test]
fn a_stop_during_the_startup_delay_ends_the_start_up_before_the_port_opens() {
    let mut starting = start(server::Config {
        startup_delay: Duration::from_secs(3600),
        ..server::Config::for_tests(3)
    });
    assert_eq!(starting.outcome(DELAY), None, "still waiting out the delay");

    starting.stop();

    // Within the deadline, not the hour: the stop cut the delay short.
    assert_eq!(
        starting.outcome(START_DEADLINE),
        Some(Err(NotStarted::Stopped))
    );
}

#[test]
fn a_port_in_use_stops_the_api_naming_its_setting() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = taken.local_addr().expect("address");

    let outcome = start(server::Config {
        listen: address,
        ..server::Config::for_tests(3)
    })
    .outcome(START_DEADLINE);

    let message = failure(outcome);
    let prefix = format!("cannot listen on {address} (--listen / NUMBERS_LISTEN): ");
    assert!(message.starts_with(&prefix), "{message}");
}

#[test]
fn a_port_in_use_stops_numbers_web_naming_its_setting() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = taken.local_addr().expect("address");

    let outcome = start(web::Config {
        listen: address,
        ..web::Config::for_tests(&nothing_listening("/rng"))
    })
    .outcome(START_DEADLINE);

    let message = failure(outcome);
    let prefix = format!("cannot listen on {address} (--listen / NUMBERS_LISTEN): ");
    assert!(message.starts_with(&prefix), "{message}");
    assert!(!message.contains("metrics"), "{message}");
}

/// The one-line message of a start-up that failed.
fn failure(outcome: Option<Result<std::net::SocketAddr, NotStarted>>) -> String {
    match outcome {
        Some(Err(NotStarted::Failed(message))) => {
            assert!(!message.contains('\n'), "{message}");
            message
        }
        other => panic!("expected a failed start-up, got {other:?}"),
    }
}
