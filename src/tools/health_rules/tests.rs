//! The engine's rules checked against what moby's health monitor does and
//! what `docker inspect` prints.

use super::*;
use std::time::UNIX_EPOCH;

fn result(code: i32) -> ProbeResult {
    ProbeResult::new(UNIX_EPOCH, UNIX_EPOCH, code, "out\n")
}

fn rules(retries: u32, start_period: u64) -> Rules {
    Rules {
        retries,
        start_period: Duration::from_secs(start_period),
        ..Rules::default()
    }
}

#[test]
fn retries_failures_in_a_row_make_it_unhealthy() {
    let rules = rules(3, 0);
    let mut health = ContainerHealth::default();
    let t = Duration::from_secs(100);

    assert_eq!(
        health.record(result(0), t, &rules),
        Some((Status::Starting, Status::Healthy))
    );
    assert_eq!(health.record(result(1), t, &rules), None);
    assert_eq!(health.record(result(1), t, &rules), None);
    assert_eq!(
        health.record(result(22), t, &rules),
        Some((Status::Healthy, Status::Unhealthy))
    );
    assert_eq!(health.failing_streak, 3);
}

#[test]
fn one_success_resets_the_streak() {
    let rules = rules(3, 0);
    let mut health = ContainerHealth::default();
    let t = Duration::from_secs(100);
    for code in [0, 1, 1, 0, 1, 1] {
        health.record(result(code), t, &rules);
    }
    assert_eq!(health.status, Status::Healthy);
    assert_eq!(health.failing_streak, 2);
}

#[test]
fn failures_inside_the_start_period_do_not_count_while_starting() {
    let rules = rules(1, 10);
    let mut health = ContainerHealth::default();

    health.record(result(1), Duration::from_secs(3), &rules);
    assert_eq!(
        (health.status, health.failing_streak),
        (Status::Starting, 0)
    );
    health.record(result(1), Duration::from_secs(11), &rules);
    assert_eq!(
        (health.status, health.failing_streak),
        (Status::Unhealthy, 1)
    );
}

#[test]
fn after_a_success_the_start_period_no_longer_protects() {
    let rules = rules(1, 60);
    let mut health = ContainerHealth::default();
    health.record(result(0), Duration::from_secs(1), &rules);
    health.record(result(1), Duration::from_secs(2), &rules);
    assert_eq!(health.status, Status::Unhealthy);
}

#[test]
fn the_start_interval_applies_only_while_starting_in_the_start_period() {
    let rules = Rules {
        interval: Duration::from_secs(30),
        start_interval: Duration::from_secs(2),
        start_period: Duration::from_secs(10),
        ..Rules::default()
    };
    let mut health = ContainerHealth::default();
    assert_eq!(
        health.next_interval(Duration::from_secs(1), &rules),
        Duration::from_secs(2)
    );
    assert_eq!(
        health.next_interval(Duration::from_secs(11), &rules),
        Duration::from_secs(30)
    );
    health.record(result(0), Duration::from_secs(1), &rules);
    assert_eq!(
        health.next_interval(Duration::from_secs(1), &rules),
        Duration::from_secs(30)
    );
}

#[test]
fn the_log_keeps_five_results_and_caps_output() {
    let mut health = ContainerHealth::default();
    for code in 0..7 {
        health.record(result(code), Duration::ZERO, &Rules::default());
    }
    let codes: Vec<i32> = health.log.iter().map(|r| r.exit_code).collect();
    assert_eq!(codes, [2, 3, 4, 5, 6]);
}

fn capped(output: &str) -> String {
    ProbeResult::new(UNIX_EPOCH, UNIX_EPOCH, 1, output).output
}

#[test]
fn output_is_cut_at_4096_bytes_as_the_engine_cuts_it() {
    // Exactly 4096 bytes: kept whole, no mark.
    let exact = "é".repeat(2048);
    assert_eq!(capped(&exact), exact);

    // One byte more: the first 4096 bytes and "...".
    let ascii = "x".repeat(5000);
    assert_eq!(capped(&ascii), format!("{}...", "x".repeat(4096)));

    // "é" is two bytes: after one "a", byte 4096 is the first half of
    // the 2048th "é", which docker inspect shows as U+FFFD.
    let split = format!("a{}", "é".repeat(3000));
    assert_eq!(capped(&split), format!("a{}\u{FFFD}...", "é".repeat(2047)));

    // "€" is three bytes: after "aa", 4096 bytes end two bytes into the
    // 1365th "€"; Go's encoder writes U+FFFD for each stray byte.
    let split = format!("aa{}", "€".repeat(2000));
    assert_eq!(
        capped(&split),
        format!("aa{}\u{FFFD}\u{FFFD}...", "€".repeat(1364))
    );
}

#[test]
fn the_start_interval_holds_only_strictly_inside_the_start_period() {
    let rules = Rules {
        start_period: Duration::from_secs(5),
        start_interval: Duration::from_secs(1),
        ..Rules::default()
    };
    let starting = ContainerHealth::default();
    let just_before = Duration::from_secs(5) - Duration::from_nanos(1);
    assert_eq!(
        starting.next_interval(just_before, &rules),
        rules.start_interval
    );
    assert_eq!(
        starting.next_interval(Duration::from_secs(5), &rules),
        rules.interval
    );
}

#[test]
fn zero_means_the_engines_default() {
    let zero = Rules {
        interval: Duration::ZERO,
        timeout: Duration::ZERO,
        retries: 0,
        start_period: Duration::ZERO,
        start_interval: Duration::ZERO,
    };
    assert_eq!(zero.with_defaults(), Rules::default());

    let set = Rules {
        interval: Duration::from_secs(2),
        timeout: Duration::from_secs(1),
        retries: 1,
        start_period: Duration::from_secs(4),
        start_interval: Duration::from_secs(3),
    };
    assert_eq!(set.with_defaults(), set);

    // --health-retries 0 is the default 3: the third failure turns it
    // unhealthy, not the first.
    let mut health = ContainerHealth::default();
    let t = Duration::from_secs(100);
    assert_eq!(health.record(result(1), t, &zero), None);
    assert_eq!(health.record(result(1), t, &zero), None);
    assert_eq!(
        health.record(result(1), t, &zero),
        Some((Status::Starting, Status::Unhealthy))
    );
}

#[test]
fn a_timeout_reads_as_the_engine_writes_it() {
    let timed_out = ProbeResult::timed_out(UNIX_EPOCH, UNIX_EPOCH, Duration::from_secs(1));
    assert_eq!(timed_out.exit_code, -1);
    assert_eq!(timed_out.output, "Health check exceeded timeout (1s)");
}

#[test]
fn the_json_has_the_engines_shape() {
    let mut health = ContainerHealth::default();
    let start = UNIX_EPOCH + Duration::new(1_790_000_000, 357_113_569);
    let end = UNIX_EPOCH + Duration::new(1_790_000_000, 402_236_800);
    health.record(
        ProbeResult::new(start, end, 22, "x\n"),
        Duration::ZERO,
        &rules(1, 0),
    );

    assert_eq!(
        health.to_inspect_json_in(&TimeZone::UTC),
        "{\n    \"Status\": \"unhealthy\",\n    \"FailingStreak\": 1,\n    \"Log\": [\n        {\n            \"Start\": \"2026-09-21T14:13:20.357113569Z\",\n            \"End\": \"2026-09-21T14:13:20.4022368Z\",\n            \"ExitCode\": 22,\n            \"Output\": \"x\\n\"\n        }\n    ]\n}"
    );
}

#[test]
fn the_json_stamps_times_in_the_daemons_zone() {
    let mut health = ContainerHealth::default();
    let start = UNIX_EPOCH + Duration::new(1_730_006_174, 357_113_569);
    let end = UNIX_EPOCH + Duration::new(1_730_006_174, 402_236_800);
    health.record(
        ProbeResult::new(start, end, 0, "ok\n"),
        Duration::ZERO,
        &Rules::default(),
    );
    let seoul = TimeZone::get("Asia/Seoul").expect("Asia/Seoul in the system tzdb");
    let json = health.to_inspect_json_in(&seoul);
    assert!(
        json.contains("\"Start\": \"2024-10-27T14:16:14.357113569+09:00\""),
        "{json}"
    );
    assert!(
        json.contains("\"End\": \"2024-10-27T14:16:14.4022368+09:00\""),
        "{json}"
    );
}

#[test]
fn every_status_parses_as_docker_spells_it() {
    assert_eq!("starting".parse(), Ok(Status::Starting));
    assert_eq!("healthy".parse(), Ok(Status::Healthy));
    assert_eq!(" unhealthy ".parse(), Ok(Status::Unhealthy));
    assert!("Healthy".parse::<Status>().is_err());
    for status in Status::ALL {
        assert_eq!(status.to_string().parse(), Ok(status));
    }
}
