//! One moment of the shared state, read once by
//! [`AppState::snapshot`](super::state::AppState::snapshot): the control
//! API answers it as JSON, and the lab page (its HTML and `/page/state`)
//! shows it in words.

use serde::{Serialize, Serializer};

use super::lesson::Rule;
use super::mode::HealthMode;
use super::probe_log::ProbeRecord;

/// The state of one moment. As JSON it is `GET /control/health`'s answer,
/// `{"mode":"ok","healthy":true,"ready":true,"calls":0,"failAfter":3}`,
/// fields in that order (the teaching docs show it); the rule, the mark and
/// the probe log are for the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// As `--health-mode` writes it (`fail-next` with the failures left).
    #[serde(serialize_with = "as_text")]
    pub mode: HealthMode,
    /// Whether the next probe would pass.
    pub healthy: bool,
    /// Whether `/readyz` answers 200.
    pub ready: bool,
    /// Calls of `/rng` counted so far.
    pub calls: u64,
    pub fail_after: u64,
    #[serde(skip)]
    pub rule: Rule,
    /// Unhealthy until `/reset`, whatever the count (broken, or past the
    /// Kubernetes book's budget).
    #[serde(skip)]
    pub marked: bool,
    /// The probe log, newest last.
    #[serde(skip)]
    pub probes: Vec<ProbeRecord>,
}

fn as_text<S: Serializer>(mode: &HealthMode, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(mode)
}
