//! SIGTERM (what `docker stop` sends) and SIGINT (Ctrl-C) stop either server
//! gracefully. The handlers are installed before the server starts, so a
//! signal that arrives during start-up is not lost, and so a failure to
//! install them stops the program before it serves.

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
