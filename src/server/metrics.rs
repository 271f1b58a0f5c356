//! `GET /metrics` in Prometheus' text format. Counters are resolved to their
//! labels at start, so counting is one atomic add.

use std::time::Instant;

use prometheus::{
    register_gauge_with_registry, register_int_counter_vec_with_registry,
    register_int_gauge_with_registry, Encoder, Gauge, IntCounter, IntGauge, Registry, TextEncoder,
};

use super::probe_log::{ProbeAnswer, Prober, PROBERS};

pub struct Metrics {
    registry: Registry,
    started: Instant,
    /// Unhealthy, then ok.
    rng_counts: [IntCounter; 2],
    /// Indexed by [`ProbeAnswer`] then [`Prober`].
    probe_counts: [[IntCounter; 5]; 3],
    healthy: IntGauge,
    ready: IntGauge,
    uptime: Gauge,
}

impl Metrics {
    /// Registers every metric.
    pub fn new(fail_after: u64) -> Self {
        // Only a bad or duplicate name fails, a bug any test would catch.
        Self::register(fail_after).expect("the metrics' names are valid and distinct")
    }

    fn register(fail_after: u64) -> prometheus::Result<Self> {
        let registry = Registry::new();
        let rng = register_int_counter_vec_with_registry!(
            "numbers_rng_calls_total",
            "Calls of /rng by outcome",
            &["outcome"],
            registry
        )?;
        let probes = register_int_counter_vec_with_registry!(
            "numbers_health_probes_total",
            "Health probes (/health, /healthz) by result and by prober, from the User-Agent",
            &["result", "prober"],
            registry
        )?;
        let healthy = register_int_gauge_with_registry!(
            "numbers_healthy",
            "1 while /health would answer 200",
            registry
        )?;
        let ready = register_int_gauge_with_registry!(
            "numbers_ready",
            "1 while /readyz answers 200",
            registry
        )?;
        register_int_gauge_with_registry!(
            "numbers_fail_after",
            "Calls of /rng that succeed before the service turns unhealthy (0 = never)",
            registry
        )?
        .set(i64::try_from(fail_after).unwrap_or(i64::MAX));
        let uptime = register_gauge_with_registry!(
            "numbers_uptime_seconds",
            "Seconds since the service started",
            registry
        )?;
        let probe_counts = ProbeAnswer::ALL.map(|answer| {
            PROBERS.map(|(who, ..)| probes.with_label_values(&[answer.label(), who.label()]))
        });
        Ok(Self {
            registry,
            started: Instant::now(),
            rng_counts: ["unhealthy", "ok"].map(|outcome| rng.with_label_values(&[outcome])),
            probe_counts,
            healthy,
            ready,
            uptime,
        })
    }

    pub fn count_call(&self, ok: bool) {
        self.rng_counts[usize::from(ok)].inc();
    }

    pub fn count_probe(&self, answer: ProbeAnswer, prober: Prober) {
        self.probe_counts[answer as usize][prober as usize].inc();
    }

    /// The exposition, with the gauges read at this moment.
    pub fn render(&self, healthy: bool, ready: bool) -> String {
        self.healthy.set(i64::from(healthy));
        self.ready.set(i64::from(ready));
        self.uptime.set(self.started.elapsed().as_secs_f64());
        let mut buffer = Vec::new();
        // Encoding our own well-formed families into memory cannot fail.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buffer);
        String::from_utf8(buffer).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_outcome_result_and_prober() {
        let metrics = Metrics::new(3);
        metrics.count_call(true);
        metrics.count_call(true);
        metrics.count_call(false);
        metrics.count_probe(ProbeAnswer::Fail, Prober::KubeProbe);

        let text = metrics.render(false, true);

        assert!(
            text.contains("numbers_rng_calls_total{outcome=\"ok\"} 2"),
            "{text}"
        );
        assert!(text.contains("numbers_rng_calls_total{outcome=\"unhealthy\"} 1"));
        assert!(
            text.contains("numbers_health_probes_total{prober=\"kube-probe\",result=\"fail\"} 1")
        );
        assert!(text.contains("numbers_healthy 0"));
        assert!(text.contains("numbers_ready 1"));
        assert!(text.contains("numbers_fail_after 3"));
        assert!(text.contains("numbers_uptime_seconds "));
    }
}
