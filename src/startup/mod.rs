//! One start-up for both servers: the delay, the bind, the listening line, serving until a
//! signal, the exit code. [`start`] is [`run`] without signals and logger, for the tests.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener};

use tokio::signal::unix::{signal, SignalKind};

use crate::util::duration;
use crate::util::telemetry::{self, LogLevel, LIFETIME};
use crate::{server, web};

pub mod privileged_port;
pub mod running;

pub use running::{Bound, Lifecycle};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The setting that names either server's address.
const LISTEN_SETTING: &str = "--listen / NUMBERS_LISTEN";

/// A server the binary runs, as its configuration describes it.
#[derive(Debug, Clone)]
pub enum Program {
    Api(server::Config),
    Web(web::Config),
}

impl From<server::Config> for Program {
    fn from(config: server::Config) -> Self {
        Program::Api(config)
    }
}

impl From<web::Config> for Program {
    fn from(config: web::Config) -> Self {
        Program::Web(config)
    }
}

impl Program {
    /// Its name, address, log level and summary for the listening line.
    fn basics(&self) -> (&'static str, SocketAddr, Option<LogLevel>, String) {
        match self {
            Program::Api(c) => ("numbers-api", c.listen, c.log_level, c.summary()),
            Program::Web(c) => ("numbers-web", c.listen, c.log_level, c.summary()),
        }
    }

    fn build(&self, listener: TcpListener) -> io::Result<Bound> {
        match self {
            Program::Api(config) => server::build(config, listener),
            Program::Web(config) => web::build(config, listener),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "cannot listen on {addr} ({LISTEN_SETTING}): {source}{}",
        privileged_port::advice(.addr, .source, LISTEN_SETTING)
    )]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("cannot drop the capabilities after binding: {0}")]
    Capabilities(io::Error),
    #[error("cannot start the server: {0}")]
    Server(#[from] io::Error),
}

/// Runs `program`; the exit code asked for, 0 after a signal, or 1 on failure.
pub fn run(program: &Program) -> u8 {
    telemetry::init(program.basics().2);
    if let Program::Web(config) = program {
        if let Err(line) = web::check::check_api(config) {
            eprintln!("numbers-api: {line}");
            return 1;
        }
    }
    match actix_web::rt::System::new().block_on(serve(program)) {
        Ok(code) => {
            let with = code.map(|code| format!(", exit code {code}"));
            log::info!(target: LIFETIME, "stopped{}", with.unwrap_or_default());
            code.unwrap_or(0)
        }
        Err(message) => {
            eprintln!("numbers-api: {message}");
            1
        }
    }
}

/// The signal handlers first, so none is lost, then [`start`] and serve.
async fn serve(program: &Program) -> Result<Option<u8>, String> {
    let signals = signals().map_err(|e| format!("cannot install signal handlers: {e}"))?;
    let mut shutdown = Box::pin(signals);
    let Some(server) = start(program, &mut shutdown)
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

/// Waits out the start-up delay, binds, builds and logs where it listens;
/// `None` when `shutdown` came during the delay.
pub async fn start<F>(program: &Program, shutdown: &mut F) -> Result<Option<Bound>, StartupError>
where
    F: Future<Output = &'static str> + Unpin,
{
    let (name, listen, _, summary) = program.basics();
    if let Program::Api(config) = program {
        let delay = config.startup_delay;
        if !delay.is_zero() {
            log::info!(
                target: LIFETIME,
                "{name} {VERSION} starting: the port opens in {} (--startup-delay)",
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
    }
    let server = program.build(bind(listen)?)?;
    log::info!(
        target: LIFETIME,
        "{name} {VERSION} listening on {} ({summary})",
        server.local_addr(),
    );
    Ok(Some(server))
}

/// SIGTERM (`docker stop`) or SIGINT (Ctrl-C): the signal's name.
fn signals() -> io::Result<impl Future<Output = &'static str>> {
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        }
    })
}

/// Binds; whatever capabilities the process had, it has none after.
fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    privileged_port::raise_for_bind();
    let bound = TcpListener::bind(addr);
    privileged_port::drop_all().map_err(StartupError::Capabilities)?;
    bound.map_err(|source| StartupError::Bind { addr, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_bind_names_the_setting_it_was_given() {
        let taken = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let addr = taken.local_addr().expect("local address");

        let err = bind(addr).unwrap_err();

        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "cannot listen on {addr} (--listen / NUMBERS_LISTEN): "
            )),
            "{message}"
        );
    }
}
