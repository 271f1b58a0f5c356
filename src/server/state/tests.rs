//! The lab's operations on the shared state, without HTTP: what a call, a
//! reset, a recorded probe and a snapshot do. The API tests drive the same
//! operations through the routes and the page.

use actix_web::web;

use super::*;
use crate::server::problem::ApiError;

fn state(config: Config) -> web::Data<AppState> {
    web::Data::new(AppState::new(&config))
}

fn trace_id(state: &AppState) -> TraceId {
    state.trace_ids.next_id()
}

fn json(snapshot: &Snapshot) -> String {
    serde_json::to_string(snapshot).expect("a snapshot is JSON")
}

#[test]
fn the_snapshot_is_the_control_apis_json_byte_for_byte() {
    let state = state(Config::for_tests(3));
    state.lifecycle.mark_ready();
    let fresh = state.snapshot();

    state.call_rng(trace_id(&state)).expect("a number");
    state.set_mode(HealthMode::FailNext(2));
    let switched = state.snapshot();

    assert_eq!(
        json(&fresh),
        r#"{"mode":"ok","healthy":true,"ready":true,"calls":0,"failAfter":3}"#
    );
    assert_eq!(
        json(&switched),
        r#"{"mode":"fail-next=2","healthy":false,"ready":true,"calls":1,"failAfter":3}"#
    );
}

#[test]
fn calls_succeed_while_the_budget_lasts_then_fail_and_are_all_counted() {
    let state = state(Config::for_tests(3));

    let answers: Vec<bool> = (0..4)
        .map(|_| state.call_rng(trace_id(&state)).is_ok())
        .collect();
    let failed = state.call_rng(trace_id(&state));

    assert_eq!(answers, [true, true, true, false]);
    assert!(matches!(failed, Err(ApiError::Unhealthy { .. })));
    assert_eq!(state.snapshot().calls, 5);
    let metrics = state.render_metrics();
    assert!(metrics.contains("numbers_rng_calls_total{outcome=\"ok\"} 3"));
    assert!(metrics.contains("numbers_rng_calls_total{outcome=\"unhealthy\"} 2"));
}

#[test]
fn a_reset_heals_the_service_and_restarts_the_count() {
    let state = state(Config::for_tests(1));
    for _ in 0..2 {
        let _ = state.call_rng(trace_id(&state));
    }
    assert!(!state.snapshot().healthy);

    state.reset();

    let after = state.snapshot();
    assert!(after.healthy);
    assert_eq!(after.calls, 0);
    assert!(state.call_rng(trace_id(&state)).is_ok());
}

#[test]
fn a_recorded_probe_is_logged_and_counted_once() {
    let state = state(Config::for_tests(3));

    state.record_probe("/healthz", Prober::KubeProbe, ProbeAnswer::Hang);

    let probes = state.snapshot().probes;
    assert_eq!(probes.len(), 1);
    assert_eq!(
        (probes[0].path, probes[0].prober, probes[0].answer),
        ("/healthz", Prober::KubeProbe, ProbeAnswer::Hang)
    );
    let metrics = state.render_metrics();
    let counted: Vec<&str> = metrics
        .lines()
        .filter(|line| line.starts_with("numbers_health_probes_total{") && !line.ends_with(" 0"))
        .collect();
    assert_eq!(
        counted,
        [r#"numbers_health_probes_total{prober="kube-probe",result="hang"} 1"#]
    );
}

#[test]
fn with_exit_on_unhealthy_a_failed_call_or_probe_asks_the_process_to_exit() {
    let exiting = |code| {
        state(Config {
            exit_on_unhealthy: Some(code),
            ..Config::for_tests(1)
        })
    };
    let by_call = exiting(3);
    let by_probe = exiting(4);

    by_call
        .call_rng(trace_id(&by_call))
        .expect("the one good call");
    let after_a_good_call = by_call.lifecycle.exit_code();
    let _ = by_call.call_rng(trace_id(&by_call));
    let _ = by_probe.fail_probe(trace_id(&by_probe));

    assert_eq!(after_a_good_call, None);
    assert_eq!(by_call.lifecycle.exit_code(), Some(3));
    assert_eq!(by_probe.lifecycle.exit_code(), Some(4));
}
