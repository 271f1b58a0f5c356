//! What every worker shares: the health counter and the trace-id generator.

use crate::health::Health;
use crate::trace_id::TraceIds;

#[derive(Debug)]
pub struct AppState {
    pub health: Health,
    pub trace_ids: TraceIds,
}

impl AppState {
    pub fn new(fail_after: u64) -> Self {
        Self {
            health: Health::new(fail_after),
            trace_ids: TraceIds::new(),
        }
    }
}
