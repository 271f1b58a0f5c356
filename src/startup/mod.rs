//! One start-up for every server the binary runs, the API and numbers-web:
//! wait out the start-up delay, bind, build, say where it listens, serve
//! until a signal (or the app asks to exit), drain, and turn the outcome
//! into an exit code.
//!
//! Each server says what is its own by implementing [`Service`] on its
//! configuration (`server::Config`, `web::Config`): its name, the setting
//! that names its address, how to build it on a bound listener. What they
//! share lives here, so neither imports the other. [`run`] is what the
//! binary calls; [`start`] is the same start-up without the process's
//! signals and logger, so the tests drive the code the binary runs.
//!
//! The bind is the one step that may need a privilege (port 80 on Podman,
//! see [`privileged_port`]); the servers run without any.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use crate::util::duration;
use crate::util::telemetry::{self, LogLevel, LIFETIME};

pub mod privileged_port;
pub mod signals;

/// How long requests in flight may take to finish after a signal. Docker
/// waits 10 s before it kills; we stay far below that.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(1);

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A server the binary runs, as its configuration describes it.
pub trait Service {
    /// The name its log lines give it: `numbers-api`, `numbers-web`.
    const NAME: &'static str;
    /// The setting that names its address, for a failed bind: `--listen`
    /// is one flag for every subcommand (`numbers-api web --listen`), with
    /// one variable.
    const LISTEN_SETTING: &'static str = "--listen / NUMBERS_LISTEN";
    /// Why building it may fail beyond what every server shares.
    type Error: std::error::Error + 'static;
    /// The bound, built server.
    type Server: Serve;

    /// The address to bind.
    fn listen(&self) -> SocketAddr;

    /// How long to wait before the port opens (`--startup-delay`).
    fn startup_delay(&self) -> Duration {
        Duration::ZERO
    }

    /// The log level asked for; `RUST_LOG` wins (see [`telemetry`]).
    fn log_level(&self) -> Option<LogLevel> {
        None
    }

    /// What must hold before the port opens (numbers-web's `--check-api`);
    /// the error is the line to print before exiting 1.
    fn preflight(&self) -> Result<(), String> {
        Ok(())
    }

    /// Builds the server on a bound listener. Must run inside an actix
    /// system; the server accepts once it is run.
    fn build(&self, listener: TcpListener) -> Result<Self::Server, StartupError<Self::Error>>;

    /// The listening line's account of the configuration, in brackets after
    /// the address.
    fn summary(&self) -> String;
}

/// A bound, built server that is not yet running.
pub trait Serve {
    /// The address actually bound (the real port when port 0 was asked for).
    fn local_addr(&self) -> SocketAddr;

    /// Serves until `shutdown` resolves (a signal) or the app asks to exit,
    /// then drains for at most [`DRAIN_TIMEOUT`]; the exit code the app
    /// asked for, if any.
    fn run_until_stopped<F>(self, shutdown: F) -> impl Future<Output = io::Result<Option<u8>>>
    where
        F: Future<Output = &'static str> + 'static;
}

/// Why a server could not start. `E` is what only that server can meet
/// (the API's metrics); the rest every server shares.
#[derive(Debug, thiserror::Error)]
pub enum StartupError<E: std::error::Error + 'static = Infallible> {
    #[error("cannot install signal handlers: {0}")]
    Signals(io::Error),
    #[error(
        "cannot listen on {addr} ({setting}): {source}{}",
        privileged_port::advice(.addr, .source, .setting)
    )]
    Bind {
        addr: SocketAddr,
        /// The setting that named the address, as [`Service::LISTEN_SETTING`].
        setting: &'static str,
        source: io::Error,
    },
    #[error("cannot drop the capabilities after binding: {0}")]
    Capabilities(io::Error),
    #[error("cannot start the server: {0}")]
    Server(#[from] io::Error),
    #[error(transparent)]
    Service(E),
}

/// Runs `service` as the binary does: logging, its preflight, then the
/// server under SIGTERM and SIGINT. Returns the exit code: the one the app
/// asked for, 0 after a signal, 1 when it could not start or serve.
pub fn run<S: Service>(service: &S) -> u8 {
    telemetry::init(service.log_level());
    if let Err(line) = service.preflight() {
        eprintln!("numbers-api: {line}");
        return 1;
    }
    let outcome = actix_web::rt::System::new().block_on(serve(service));
    match outcome {
        Ok(None) => {
            log::info!(target: LIFETIME, "stopped");
            0
        }
        Ok(Some(code)) => {
            log::info!(target: LIFETIME, "stopped, exit code {code}");
            code
        }
        Err(message) => {
            eprintln!("numbers-api: {message}");
            1
        }
    }
}

/// The signal handlers, then [`start`], then the server until it stops.
/// The handlers come first, so a signal during the start-up is not lost.
async fn serve<S: Service>(service: &S) -> Result<Option<u8>, String> {
    let signals =
        signals::signals().map_err(|e| StartupError::<S::Error>::Signals(e).to_string())?;
    let mut shutdown = Box::pin(signals);
    let Some(server) = start(service, &mut shutdown)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    server
        .run_until_stopped(shutdown)
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// Waits out the start-up delay, binds the service's address, builds the
/// server and logs where it listens. `None` when `shutdown` resolved during
/// the delay: the port never opened. Must run inside an actix system.
pub async fn start<S, F>(
    service: &S,
    shutdown: &mut F,
) -> Result<Option<S::Server>, StartupError<S::Error>>
where
    S: Service,
    F: Future<Output = &'static str> + Unpin,
{
    let delay = service.startup_delay();
    if !delay.is_zero() {
        log::info!(
            target: LIFETIME,
            "{} {VERSION} starting: the port opens in {} (--startup-delay)",
            S::NAME,
            duration::format(delay)
        );
        tokio::select! {
            _ = actix_web::rt::time::sleep(delay) => {}
            signal = shutdown => {
                log::info!(target: LIFETIME, "{signal} received during the start-up delay: exiting");
                return Ok(None);
            }
        }
    }
    let listener = bind(service.listen(), S::LISTEN_SETTING)?;
    let server = service.build(listener)?;
    log::info!(
        target: LIFETIME,
        "{} {VERSION} listening on {} ({})",
        S::NAME,
        server.local_addr(),
        service.summary()
    );
    Ok(Some(server))
}

/// Binds a listen address, naming `setting` when it fails (a port in use,
/// an address this machine does not have, a port below 1024 without the
/// capability). Whatever capabilities the process had, it has none after.
fn bind<E: std::error::Error>(
    addr: SocketAddr,
    setting: &'static str,
) -> Result<TcpListener, StartupError<E>> {
    privileged_port::raise_for_bind();
    let bound = TcpListener::bind(addr);
    privileged_port::drop_all().map_err(StartupError::Capabilities)?;
    bound.map_err(|source| StartupError::Bind {
        addr,
        setting,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_bind_names_the_setting_it_was_given() {
        let taken = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let addr = taken.local_addr().expect("local address");

        let err = bind::<Infallible>(addr, "--listen / NUMBERS_LISTEN").unwrap_err();

        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "cannot listen on {addr} (--listen / NUMBERS_LISTEN): "
            )),
            "{message}"
        );
    }
}
