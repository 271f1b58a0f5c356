//! The API server: the lab's numbers-api. This module starts it (bind the
//! listener, build the app, run until a shutdown future resolves or the app
//! asks to exit); its children are the state the workers share, the routes,
//! the call budget and health modes, problem responses and their framing,
//! metrics, lifecycle and shutdown, and the lab page.
//!
//! Binding is separate from serving so tests can bind port 0, read the real
//! port back and talk to exactly the server the binary runs. The bind is the
//! one step that may need a privilege (port 80 on Podman, see
//! [`privileged_port`]); the server runs without any.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};

use crate::cli::Settings;
use crate::util::duration;
use crate::util::telemetry::LIFETIME;
use state::AppState;

pub mod budget;
pub mod context;
pub mod endpoint;
pub mod failure_id;
pub mod framing;
pub mod lifecycle;
pub mod metrics;
pub mod mode;
pub mod page;
pub mod privileged_port;
pub mod probe_log;
pub mod problem;
pub mod routes;
pub mod shutdown;
pub mod snapshot;
pub mod state;
pub mod trace_id;

/// How long requests in flight may take to finish after a signal. Docker
/// waits 10 s before it kills; we stay far below that. Both servers of the
/// binary (the API and numbers-web) use it.
pub(crate) const DRAIN: Duration = Duration::from_secs(1);

/// Binds a listen address, naming the setting when it fails (a port in use,
/// an address this machine does not have, a port below 1024 without the
/// capability). Whatever capabilities the process had, it has none after.
pub(crate) fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    privileged_port::raise_for_bind();
    let bound = TcpListener::bind(addr);
    privileged_port::drop_all().map_err(StartupError::Capabilities)?;
    bound.map_err(|source| StartupError::Bind { addr, source })
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "cannot listen on {addr} (--listen / NUMBERS_LISTEN): {source}{}",
        privileged_port::advice(.addr, .source)
    )]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("cannot drop the capabilities after binding: {0}")]
    Capabilities(io::Error),
    #[error("cannot start the server: {0}")]
    Server(#[from] io::Error),
    #[error("cannot set up metrics: {0}")]
    Metrics(#[from] prometheus::Error),
}

/// A bound, configured server that is not yet running.
pub struct Application {
    server: Server,
    local_addr: SocketAddr,
    state: web::Data<AppState>,
    shutdown_delay: Duration,
}

impl Application {
    /// Binds the listen address from the settings.
    pub fn build(settings: &Settings) -> Result<Self, StartupError> {
        Self::from_listener(bind(settings.listen)?, settings)
    }

    /// Serves on a listener the caller already bound (tests bind port 0).
    ///
    /// Must run inside an actix system; the server starts accepting as soon
    /// as the returned value is awaited.
    pub fn from_listener(listener: TcpListener, settings: &Settings) -> Result<Self, StartupError> {
        let local_addr = listener.local_addr()?;
        let state = web::Data::new(AppState::new(settings)?);
        let shared = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .configure(routes::control::configure)
                .configure(page::configure)
                .configure(routes::configure)
        })
        .workers(settings.workers)
        // Signals are ours (see `shutdown`), so the binary and the tests stop
        // the server the same way.
        .disable_signals()
        .shutdown_timeout(DRAIN.as_secs())
        .listen(listener)?
        .run();
        Ok(Self {
            server,
            local_addr,
            state,
            shutdown_delay: settings.shutdown_delay,
        })
    }

    /// The address actually bound (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` resolves (a signal) or the app asks to exit
    /// (`--exit-on-unhealthy`). Then `/readyz` turns 503, the server keeps
    /// serving for the shutdown delay, stops accepting, lets requests in
    /// flight finish (for at most one second) and returns the exit code the
    /// app asked for, if any.
    pub async fn run_until_stopped<F>(self, shutdown: F) -> io::Result<Option<u8>>
    where
        F: Future<Output = &'static str> + 'static,
    {
        let handle = self.server.handle();
        let state = self.state.clone();
        let delay = self.shutdown_delay;
        actix_web::rt::spawn(async move {
            let reason = tokio::select! {
                signal = shutdown => format!("{signal} received"),
                code = state.lifecycle.exit_requested() => {
                    format!("Unhealthy with --exit-on-unhealthy (exit code {code})")
                }
            };
            state.lifecycle.start_draining();
            if !delay.is_zero() {
                log::info!(
                    target: LIFETIME,
                    "{reason}: /readyz answers 503 for {} before the port closes (--shutdown-delay)",
                    duration::format(delay)
                );
                actix_web::rt::time::sleep(delay).await;
            }
            log::info!(target: LIFETIME, "{reason}: draining requests in flight, then exiting");
            handle.stop(true).await;
        });
        self.state.lifecycle.mark_ready();
        self.server.await?;
        Ok(self.state.lifecycle.exit_code())
    }
}
