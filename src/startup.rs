//! Server start-up: bind the listener, build the app, run until a shutdown
//! future resolves.
//!
//! Binding is separate from serving so tests can bind port 0, read the real
//! port back and talk to exactly the server the binary runs.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};

use crate::config::Settings;
use crate::routes;
use crate::state::AppState;

/// How long requests in flight may take to finish after a signal. Docker
/// waits 10 s before it kills; we stay far below that.
const DRAIN: Duration = Duration::from_secs(1);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr} (--listen / NUMBERS_LISTEN): {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("cannot start the server: {0}")]
    Server(#[from] io::Error),
}

/// A bound, configured server that is not yet running.
pub struct Application {
    server: Server,
    local_addr: SocketAddr,
}

impl Application {
    /// Binds the listen address from the settings.
    pub fn build(settings: &Settings) -> Result<Self, StartupError> {
        let listener = TcpListener::bind(settings.listen).map_err(|source| StartupError::Bind {
            addr: settings.listen,
            source,
        })?;
        Self::from_listener(listener, settings)
    }

    /// Serves on a listener the caller already bound (tests bind port 0).
    ///
    /// Must run inside an actix system; the server starts accepting as soon
    /// as the returned value is awaited.
    pub fn from_listener(listener: TcpListener, settings: &Settings) -> Result<Self, StartupError> {
        let local_addr = listener.local_addr()?;
        let state = web::Data::new(AppState::new(settings.fail_after));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .configure(routes::configure)
        })
        .workers(settings.workers)
        // Signals are ours (see `shutdown`), so the binary and the tests stop
        // the server the same way.
        .disable_signals()
        .shutdown_timeout(DRAIN.as_secs())
        .listen(listener)?
        .run();
        Ok(Self { server, local_addr })
    }

    /// The address actually bound (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` resolves, then stops accepting, lets requests
    /// in flight finish (for at most one second) and returns.
    pub async fn run_until_stopped<F>(self, shutdown: F) -> io::Result<()>
    where
        F: Future<Output = &'static str> + 'static,
    {
        let handle = self.server.handle();
        actix_web::rt::spawn(async move {
            let signal = shutdown.await;
            log::info!("{signal} received: draining requests in flight, then exiting");
            handle.stop(true).await;
        });
        self.server.await
    }
}
