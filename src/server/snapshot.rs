//! One moment of the shared state, for the control API and the lab page.

use serde::{Serialize, Serializer};

use super::lesson::Rule;
use super::mode::HealthMode;
use super::probe_log::ProbeRecord;

/// As JSON, `GET /control/health`'s answer, in the order the docs show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// As `--health-mode` writes it (`fail-next` with the failures left).
    #[serde(serialize_with = "as_text")]
    pub mode: HealthMode,
    /// Whether the next probe would pass.
    pub healthy: bool,
    pub ready: bool,
    pub calls: u64,
    pub fail_after: u64,
    #[serde(skip)]
    pub rule: Rule,
    /// Unhealthy until `/reset`, whatever the count.
    #[serde(skip)]
    pub marked: bool,
    /// The probe log, newest last.
    #[serde(skip)]
    pub probes: Vec<ProbeRecord>,
}

fn as_text<S: Serializer>(mode: &HealthMode, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(mode)
}
