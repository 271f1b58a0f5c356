//! The process's lifecycle as the routes see it: ready or not (`/readyz`),
//! and whether something inside asked the process to exit
//! (`--exit-on-unhealthy`).
//!
//! Readiness is not liveness: `/health` keeps the lab's meaning (is the app
//! broken?), while `/readyz` says whether to send it traffic right now. It is
//! false until the server runs and false again from SIGTERM on, so a load
//! balancer stops routing to a process that is about to go.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Lifecycle {
    ready: AtomicBool,
    draining: AtomicBool,
    exit_code: AtomicU8,
    exit: Notify,
}

impl Lifecycle {
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed) && !self.is_draining()
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// The server accepts requests.
    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::Relaxed);
    }

    /// Shutdown has begun: not ready any more, for good.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }

    /// Asks the process to stop and exit with `code`; the first request wins.
    pub fn request_exit(&self, code: u8) {
        if self
            .exit_code
            .compare_exchange(0, code, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            // notify_one stores a permit, so a waiter that arrives later
            // still wakes.
            self.exit.notify_one();
        }
    }

    /// The code asked for by [`Self::request_exit`], if any.
    pub fn exit_code(&self) -> Option<u8> {
        match self.exit_code.load(Ordering::Relaxed) {
            0 => None,
            code => Some(code),
        }
    }

    /// Resolves once an exit has been requested.
    pub async fn exit_requested(&self) -> u8 {
        loop {
            if let Some(code) = self.exit_code() {
                return code;
            }
            self.exit.notified().await;
        }
    }
}
