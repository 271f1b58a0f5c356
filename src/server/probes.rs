//! Who probed, and what they were told: the last health probes the service
//! answered, for the lab page's timeline and the metrics' `prober` label.
//!
//! The prober is read from the User-Agent. Docker's own check has none of
//! its own: it shows up as the program its HEALTHCHECK runs (curl in
//! Dockerfile.v2, `numbers-api healthcheck` in Dockerfile.v3).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::SystemTime;

/// How many probes the log keeps.
pub const KEPT: usize = 50;

/// Who sent a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prober {
    Curl,
    NumbersApiHealthcheck,
    KubeProbe,
    Browser,
    Other,
}

impl Prober {
    pub const ALL: [Prober; 5] = [
        Prober::Curl,
        Prober::NumbersApiHealthcheck,
        Prober::KubeProbe,
        Prober::Browser,
        Prober::Other,
    ];

    /// Classifies a User-Agent header (curl/8.1, kube-probe/1.30, ...).
    pub fn from_user_agent(user_agent: Option<&str>) -> Prober {
        let Some(agent) = user_agent else {
            return Prober::Other;
        };
        if agent.starts_with("curl/") {
            Prober::Curl
        } else if agent.starts_with(crate::util::http::HEALTHCHECK_PRODUCT) {
            Prober::NumbersApiHealthcheck
        } else if agent.starts_with("kube-probe/") {
            Prober::KubeProbe
        } else if agent.starts_with("Mozilla/") {
            Prober::Browser
        } else {
            Prober::Other
        }
    }

    /// The value of the `prober` label and of the page's "who" column.
    pub fn label(self) -> &'static str {
        match self {
            Prober::Curl => "curl",
            Prober::NumbersApiHealthcheck => "numbers-api-healthcheck",
            Prober::KubeProbe => "kube-probe",
            Prober::Browser => "browser",
            Prober::Other => "other",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One probe as the service saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeRecord {
    pub at: SystemTime,
    pub path: &'static str,
    /// The status answered; `None` for a probe held without an answer.
    pub status: Option<u16>,
    pub prober: Prober,
}

/// The last [`KEPT`] probes, newest last.
#[derive(Debug, Default)]
pub struct ProbeLog {
    records: Mutex<VecDeque<ProbeRecord>>,
}

impl ProbeLog {
    pub fn record(&self, record: ProbeRecord) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        if records.len() == KEPT {
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
        for status in 0..60u16 {
            log.record(ProbeRecord {
                at: SystemTime::now(),
                path: "/health",
                status: Some(status),
                prober: Prober::Curl,
            });
        }
        let recent = log.recent();
        assert_eq!(recent.len(), KEPT);
        assert_eq!(recent[0].status, Some(10));
        assert_eq!(recent[KEPT - 1].status, Some(59));
    }
}
