//! The API server: the lab's numbers-api. This module builds it on a bound
//! listener and runs it until a shutdown future resolves or the app asks to
//! exit; the start-up around it (delay, bind, signals, exit code) is the one
//! every server shares ([`crate::startup`]). Its children are its
//! configuration ([`Config`]), the state the workers share, the routes, the
//! call budget and health modes, problem responses and their framing,
//! metrics, lifecycle, and the lab page.
//!
//! Building is separate from binding: the one start-up binds for both
//! servers, and a test may hand in a listener of its own.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};

use crate::startup::{Serve, Service, StartupError, DRAIN_TIMEOUT};
use crate::util::duration;
use crate::util::telemetry::{LogLevel, LIFETIME};
use state::AppState;

pub mod budget;
pub mod config;
pub mod context;
pub mod endpoint;
pub mod failure_id;
pub mod framing;
pub mod lifecycle;
pub mod metrics;
pub mod mode;
pub mod page;
pub mod probe_log;
pub mod problem;
pub mod routes;
pub mod snapshot;
pub mod state;
pub mod trace_id;

pub use config::Config;

/// Why the API's metrics could not be set up: the one start-up error only
/// the API can meet.
#[derive(Debug, thiserror::Error)]
#[error("cannot set up metrics: {0}")]
pub struct MetricsError(#[from] prometheus::Error);

/// A bound, configured server that is not yet running.
pub struct Application {
    server: Server,
    local_addr: SocketAddr,
    state: web::Data<AppState>,
    shutdown_delay: Duration,
}

impl Application {
    /// Serves on a listener already bound (by [`crate::startup::start`], or by a
    /// test on port 0).
    ///
    /// Must run inside an actix system; the server starts accepting as soon
    /// as the returned value is awaited.
    pub fn from_listener(
        listener: TcpListener,
        config: &Config,
    ) -> Result<Self, StartupError<MetricsError>> {
        let local_addr = listener.local_addr()?;
        let state =
            AppState::new(config).map_err(|e| StartupError::Service(MetricsError::from(e)))?;
        let state = web::Data::new(state);
        let shared = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                // actix-web tries resources in the order they are registered:
                // the books' endpoints first, `/rng` (the hot path) first of all.
                .configure(routes::configure)
                .configure(routes::control::configure)
                .configure(page::configure)
        })
        .workers(config.workers)
        // Signals are ours (see `startup::signals`), so the binary and the
        // tests stop the server the same way.
        .disable_signals()
        .shutdown_timeout(DRAIN_TIMEOUT.as_secs())
        .listen(listener)?
        .run();
        Ok(Self {
            server,
            local_addr,
            state,
            shutdown_delay: config.shutdown_delay,
        })
    }
}

impl Serve for Application {
    fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` resolves (a signal) or the app asks to exit
    /// (`--exit-on-unhealthy`). Then `/readyz` turns 503, the server keeps
    /// serving for the shutdown delay, stops accepting, lets requests in
    /// flight finish (for at most [`DRAIN_TIMEOUT`]) and returns the exit
    /// code the app asked for, if any.
    async fn run_until_stopped<F>(self, shutdown: F) -> io::Result<Option<u8>>
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

impl Service for Config {
    const NAME: &'static str = "numbers-api";
    type Error = MetricsError;
    type Server = Application;

    fn listen(&self) -> SocketAddr {
        self.listen
    }

    fn startup_delay(&self) -> Duration {
        self.startup_delay
    }

    fn log_level(&self) -> Option<LogLevel> {
        self.log_level
    }

    fn build(&self, listener: TcpListener) -> Result<Application, StartupError<MetricsError>> {
        Application::from_listener(listener, self)
    }

    fn summary(&self) -> String {
        format!(
            "{}, workers {}, health mode {}, control API {}",
            self.failure_summary(),
            self.workers,
            self.health_mode,
            if self.control { "on" } else { "off" },
        )
    }
}
