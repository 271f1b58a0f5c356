//! The probe log: who probed, from the User-Agent, and what they were told;
//! the lab page's timeline and the metrics' labels.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::SystemTime;

use crate::util::http::HEALTHCHECK_PRODUCT;

/// Who sent a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prober {
    Curl,
    NumbersApiHealthcheck,
    KubeProbe,
    Browser,
    Other,
}

/// Each prober in the enum's order: the User-Agent prefix that names it
/// (the last matches any), its label, and the page's who and hint.
#[rustfmt::skip]
pub const PROBERS: [(Prober, &str, &str, &str, &str); 5] = [
    (Prober::Curl, "curl/", "curl", "curl", "Docker's check in v2, or someone's curl"),
    (Prober::NumbersApiHealthcheck, HEALTHCHECK_PRODUCT, "numbers-api-healthcheck", "numbers-api healthcheck", "Docker's check in v3"),
    (Prober::KubeProbe, "kube-probe/", "kube-probe", "kube-probe", "a Kubernetes kubelet"),
    (Prober::Browser, "Mozilla/", "browser", "a browser", "someone opened /health"),
    (Prober::Other, "", "other", "other", "an unknown User-Agent"),
];

impl Prober {
    /// Classifies a User-Agent (curl/8.1, kube-probe/1.30, ...).
    pub fn from_user_agent(user_agent: Option<&str>) -> Prober {
        let agent = user_agent.unwrap_or_default();
        let found = PROBERS.iter().find(|p| agent.starts_with(p.1));
        found.map_or(Prober::Other, |p| p.0)
    }

    /// The value of the `prober` label and of the page's "who" column.
    pub fn label(self) -> &'static str {
        PROBERS[self as usize].2
    }

    /// Who it is and what it likely was, for the page's timeline.
    pub fn who(self) -> (&'static str, &'static str) {
        let (_, _, _, who, hint) = PROBERS[self as usize];
        (who, hint)
    }
}

/// What a probe was told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeAnswer {
    Ok,
    Fail,
    /// No answer: the mode `hang` keeps the request open.
    Hang,
}

impl ProbeAnswer {
    pub const ALL: [ProbeAnswer; 3] = [ProbeAnswer::Ok, ProbeAnswer::Fail, ProbeAnswer::Hang];

    /// The metrics' `result` label and the page's row colour.
    pub fn label(self) -> &'static str {
        ["ok", "fail", "hang"][self as usize]
    }
}

/// One probe as the service saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeRecord {
    pub at: SystemTime,
    pub path: &'static str,
    pub answer: ProbeAnswer,
    pub prober: Prober,
}

/// The last [`ProbeLog::CAPACITY`] probes, newest last.
#[derive(Debug, Default)]
pub struct ProbeLog {
    records: Mutex<VecDeque<ProbeRecord>>,
}

impl ProbeLog {
    /// How many probes the log keeps: the lab page's "last 50".
    pub const CAPACITY: usize = 50;

    pub fn record(&self, record: ProbeRecord) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        if records.len() == Self::CAPACITY {
            records.pop_front();
        }
        records.push_back(record);
    }

    pub fn recent(&self) -> Vec<ProbeRecord> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_name_their_prober() {
        let cases = [
            (Some("curl/7.88.1"), Prober::Curl),
            (
                Some("numbers-api-healthcheck/0.1.0"),
                Prober::NumbersApiHealthcheck,
            ),
            (Some("kube-probe/1.30"), Prober::KubeProbe),
            (Some("Mozilla/5.0 (X11; Linux x86_64)"), Prober::Browser),
            (Some("Wget/1.21"), Prober::Other),
            (None, Prober::Other),
        ];
        for (agent, prober) in cases {
            assert_eq!(Prober::from_user_agent(agent), prober, "{agent:?}");
        }
    }

    #[test]
    fn the_log_keeps_the_last_fifty() {
        let log = ProbeLog::default();
        let start = SystemTime::UNIX_EPOCH;
        for n in 0..60u64 {
            log.record(ProbeRecord {
                at: start + std::time::Duration::from_secs(n),
                path: "/health",
                answer: ProbeAnswer::Ok,
                prober: Prober::Curl,
            });
        }
        let recent = log.recent();
        let second = |record: &ProbeRecord| record.at.duration_since(start).unwrap().as_secs();
        assert_eq!(ProbeLog::CAPACITY, 50);
        assert_eq!(recent.len(), ProbeLog::CAPACITY);
        assert_eq!(second(&recent[0]), 10);
        assert_eq!(second(&recent[ProbeLog::CAPACITY - 1]), 59);
    }
}
