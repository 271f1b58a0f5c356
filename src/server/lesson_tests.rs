//! The counter under both rules, one behaviour a test.

use super::*;

impl CallBudget {
    fn new(fail_after: u64) -> Self {
        Self::under(Rule::Chapter8, fail_after)
    }
}

#[test]
fn the_call_after_fail_after_is_the_first_to_fail() {
    let health = CallBudget::new(3);
    assert!(health.record_call());
    assert!(health.record_call());
    assert!(health.record_call());
    assert!(health.is_healthy());
    assert!(!health.record_call());
    assert!(!health.is_healthy());
    assert!(!health.record_call());
}

#[test]
fn zero_means_never_fail() {
    let health = CallBudget::new(0);
    for _ in 0..10_000 {
        assert!(health.record_call());
    }
    assert!(health.is_healthy());
}

fn probes(health: &CallBudget, n: usize) -> Vec<bool> {
    (0..n)
        .map(|_| match health.answer_probe() {
            Verdict::Answer { healthy, .. } => healthy,
            Verdict::Hang => panic!("a probe hangs"),
        })
        .collect()
}

#[test]
fn fail_next_fails_k_probes_then_recovers() {
    let health = CallBudget::new(0).with_mode(HealthMode::FailNext(2));
    assert!(!health.is_healthy());
    assert_eq!(probes(&health, 4), [false, false, true, true]);
    assert_eq!(health.mode(), HealthMode::Ok);
}

#[test]
fn flap_alternates_runs_of_n() {
    let health = CallBudget::new(0).with_mode(HealthMode::Flap(2));
    assert_eq!(probes(&health, 6), [true, true, false, false, true, true]);
}

#[test]
fn fail_and_hang_ignore_the_budget_while_slow_keeps_it() {
    let health = CallBudget::new(1).with_mode(HealthMode::Fail);
    assert_eq!(probes(&health, 1), [false]);
    health.set_mode(HealthMode::Hang);
    assert_eq!(health.answer_probe(), Verdict::Hang);
    health.set_mode(HealthMode::Slow(Duration::from_millis(5)));
    assert_eq!(
        health.answer_probe(),
        Verdict::Answer {
            healthy: true,
            delay: Duration::from_millis(5)
        }
    );
    health.record_call();
    health.record_call();
    assert_eq!(probes(&health, 1), [false]);
}

#[test]
fn the_mode_ok_follows_the_count_and_probes_do_not_count() {
    let health = CallBudget::new(1);
    assert_eq!(probes(&health, 10), [true; 10]);
    assert!(health.record_call());
    assert!(!health.record_call());
    assert_eq!(probes(&health, 1), [false]);
}

#[test]
fn reset_restores_health_and_restarts_the_count() {
    let health = CallBudget::new(1);
    assert!(health.record_call());
    assert!(!health.record_call());
    health.set_mode(HealthMode::Fail);
    health.reset();
    assert!(health.is_healthy());
    assert_eq!(health.mode(), HealthMode::Ok);
    assert_eq!(health.calls(), 0);
    assert!(health.record_call());
    assert!(!health.record_call());
}

const KUBERNETES: Rule = Rule::Kubernetes { failure_id: false };

#[test]
fn under_the_kubernetes_rule_the_nth_call_answers_and_marks_the_service_unhealthy() {
    let health = CallBudget::under(KUBERNETES, 2);
    assert!(health.record_call());
    assert!(health.is_healthy());

    assert!(health.record_call());

    assert!(!health.is_healthy());
    assert!(!health.record_call());
    assert!(!health.record_call());
}

#[test]
fn under_the_kubernetes_rule_zero_means_never_fail() {
    let health = CallBudget::under(KUBERNETES, 0);
    for _ in 0..10_000 {
        assert!(health.record_call());
    }
    assert!(health.is_healthy());
}

#[test]
fn under_the_kubernetes_rule_reset_heals_and_the_count_stays() {
    let health = CallBudget::under(KUBERNETES, 1);
    assert!(health.record_call());
    assert!(!health.record_call());

    health.reset();

    assert!(health.is_healthy());
    assert_eq!(health.calls(), 2);
    // The count is past the budget: the next call answers and marks again.
    assert!(health.record_call());
    assert!(!health.is_healthy());
    assert!(!health.record_call());
}

#[test]
fn under_the_kubernetes_rule_exactly_n_calls_succeed_under_concurrency() {
    let health = std::sync::Arc::new(CallBudget::under(KUBERNETES, 100));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let health = health.clone();
            std::thread::spawn(move || (0..50).filter(|_| health.record_call()).count())
        })
        .collect();

    let ok: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();

    assert_eq!(ok, 100);
    assert!(!health.is_healthy());
}

#[test]
fn broken_starts_unhealthy_under_either_rule_until_reset() {
    for rule in [Rule::Chapter8, KUBERNETES] {
        let health = CallBudget::under(rule, 3).broken(true);
        assert!(!health.is_healthy(), "{rule:?}");
        assert!(!health.record_call(), "{rule:?}");
        assert_eq!(probes(&health, 1), [false], "{rule:?}");

        health.reset();

        assert!(health.is_healthy(), "{rule:?}");
        assert!(health.record_call(), "{rule:?}");
    }
}

#[test]
fn broken_with_fail_after_zero_still_fails() {
    let health = CallBudget::new(0).broken(true);
    assert!(!health.record_call());
    assert!(!health.is_healthy());
}
