//! SIGTERM and SIGINT stop either server gracefully.

use std::future::Future;
use std::io;

use tokio::signal::unix::{signal, SignalKind};

/// A future that resolves with the signal's name when one arrives.
pub fn signals() -> io::Result<impl Future<Output = &'static str>> {
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        }
    })
}
