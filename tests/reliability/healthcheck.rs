//! `numbers-api healthcheck` against a server that accepts and never answers:
//! Docker runs the probe on a schedule, so it must give up on time, every
//! time, or probes pile up.

use std::time::{Duration, Instant};

use crate::common::process::{numbers_api, run_with_deadline};
use crate::common::silent_server::SilentServer;
use crate::whole_machine;

const RUNS: usize = 50;
const TIMEOUT: Duration = Duration::from_millis(200);
/// Process start-up and exit on top of the timeout. The slowest run measured
/// on 2 cores with two CPU-bound processes beside it took 259 ms (59 ms over
/// the timeout); with ureq's own timeout and no thread of ours, 254 ms in
/// three rounds of 50. Timeout plus slack is over twice that, and still far
/// short of the 2 s default a probe that ignored its timeout would take.
const SLACK: Duration = Duration::from_millis(400);

#[test]
fn the_healthcheck_gives_up_within_its_timeout_every_time_against_a_silent_server() {
    // A timing assertion: no other test of this suite runs beside it.
    let _machine = whole_machine();
    let silent = SilentServer::start();
    let url = silent.url("/health");
    let timeout_ms = TIMEOUT.as_millis().to_string();
    let mut slowest = Duration::ZERO;

    for run in 1..=RUNS {
        let started = Instant::now();
        let output = run_with_deadline(
            numbers_api().args(["healthcheck", "--url", &url, "--timeout-ms", &timeout_ms]),
            Duration::from_secs(10),
        );
        let took = started.elapsed();

        let line = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "run {run}: {line}");
        assert!(line.contains("no response within the timeout"), "{line}");
        assert!(took < TIMEOUT + SLACK, "run {run} took {took:?}");
        slowest = slowest.max(took);
    }
    eprintln!("slowest of {RUNS} probes: {slowest:?} (timeout {TIMEOUT:?})");
}
