//! The lab's promise under load: with `--fail-after N`, exactly N calls of
//! `/rng` succeed, however many clients race for them.

use std::sync::Barrier;
use std::time::Duration;

use crate::common::process::Server;
use crate::reliability::http::{Connection, Reply};
use crate::shared_machine;

const FAIL_AFTER: usize = 1000;
const CONNECTIONS: usize = 256;
/// Enough calls that every round runs well past the budget.
const CALLS_PER_CONNECTION: usize = 6;
const ROUNDS: usize = 20;
const DEADLINE: Duration = Duration::from_secs(20);

const RNG: &[u8] = b"GET /rng HTTP/1.1\r\nHost: numbers\r\n\r\n";

/// Makes `calls` calls of `/rng`, one after another, and counts
/// (successes, failures); anything but a 200 number or a 500 fails the test.
fn call_rng(connection: &mut Connection, calls: usize) -> (usize, usize) {
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..calls {
        connection.send(RNG).expect("send");
        match connection.read(false) {
            Ok(Reply::Response(r)) if r.status == 200 => {
                let number: u32 = String::from_utf8_lossy(&r.body).parse().expect("a number");
                assert!(number < 100, "{number}");
                ok += 1;
            }
            Ok(Reply::Response(r)) if r.status == 500 => failed += 1,
            other => panic!("unexpected reply to /rng: {other:?}"),
        }
    }
    (ok, failed)
}

#[test]
fn exactly_fail_after_calls_succeed_with_256_connections_racing_every_round() {
    let _machine = shared_machine();
    // More workers than cores, so calls race on several threads at once.
    let server = Server::start_with(&[
        ("NUMBERS_FAIL_AFTER", &FAIL_AFTER.to_string()),
        ("NUMBERS_WORKERS", "4"),
    ]);
    let mut connections: Vec<Connection> = (0..CONNECTIONS)
        .map(|_| Connection::open(server.address(), DEADLINE).expect("connect"))
        .collect();
    let mut control = Connection::open(server.address(), DEADLINE).expect("connect");

    for round in 1..=ROUNDS {
        // Every connection starts calling at the same moment.
        let start = Barrier::new(CONNECTIONS);
        let counts: Vec<(usize, usize)> = std::thread::scope(|scope| {
            let handles: Vec<_> = connections
                .iter_mut()
                .map(|connection| {
                    let start = &start;
                    scope.spawn(move || {
                        start.wait();
                        call_rng(connection, CALLS_PER_CONNECTION)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });

        let ok: usize = counts.iter().map(|c| c.0).sum();
        let failed: usize = counts.iter().map(|c| c.1).sum();
        assert_eq!(ok, FAIL_AFTER, "successes in round {round}");
        assert_eq!(
            failed,
            CONNECTIONS * CALLS_PER_CONNECTION - FAIL_AFTER,
            "failures in round {round}"
        );
        control
            .send(b"POST /reset HTTP/1.1\r\nHost: numbers\r\nContent-Length: 0\r\n\r\n")
            .expect("send");
        assert!(
            matches!(control.read(false), Ok(Reply::Response(r)) if r.status == 200),
            "reset after round {round}"
        );
    }
}
