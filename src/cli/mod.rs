//! The command line: what clap parses ([`args`]), the settings the program
//! runs with ([`settings`]), the one-line error messages ([`errors`]), and
//! [`run`], which parses them and then serves or probes. Called by a
//! foreign program's name (`dotnet`), the binary first translates that
//! program's command line into ours ([`crate::compat`]).

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::compat::{self, httpcheck, Applet};
use crate::server::{shutdown, Application};
use crate::tools::{healthcheck, watch};
use crate::util::duration;
use crate::util::telemetry::{self, LIFETIME};
use crate::web::WebApp;

mod args;
mod books;
mod errors;
mod parsers;
mod settings;

pub use args::{Cli, DEFAULT_FAIL_AFTER};
pub use errors::ConfigError;
pub use settings::{
    base_url, default_health_url, parse, HealthcheckSettings, Invocation, Settings, WatchSettings,
    WebSettings,
};

/// Runs the program with the process's arguments and environment.
pub fn run() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    match compat::applet(&argv) {
        None => run_ours(argv),
        Some(Ok(Applet::Ours(ours))) => run_ours(ours),
        Some(Ok(Applet::HttpCheck(args))) => http_check(&args),
        Some(Err(line)) => {
            eprintln!("{line}");
            ExitCode::FAILURE
        }
    }
}

/// `dotnet Utilities.HttpCheck.dll`: its default URL is on the port the
/// server listens on, as `healthcheck`'s is.
fn http_check(args: &httpcheck::Args) -> ExitCode {
    match listen_address() {
        Ok(listen) => ExitCode::from(httpcheck::run(args, listen.port(), &mut std::io::stdout())),
        Err(ConfigError::Invalid(message)) => {
            eprintln!("numbers-api: {message}");
            ExitCode::FAILURE
        }
        Err(ConfigError::Display(message)) => {
            let _ = message.print();
            ExitCode::SUCCESS
        }
    }
}

/// The address the server listens on (`NUMBERS_LISTEN`, or its default):
/// where a probe in the same container finds it. A bad value is refused, as
/// it would be by the server.
fn listen_address() -> Result<std::net::SocketAddr, ConfigError> {
    let matches = Cli::command()
        .try_get_matches_from(["numbers-api"])
        .map_err(errors::describe)?;
    Ok(Cli::from_arg_matches(&matches)
        .map_err(errors::describe)?
        .serve
        .listen)
}

/// Runs our own command line: serves or probes.
fn run_ours(argv: Vec<OsString>) -> ExitCode {
    match parse(argv) {
        Ok(Invocation::Serve(settings)) => serve(&settings),
        Ok(Invocation::Healthcheck(settings)) => {
            let report = healthcheck::probe(&settings);
            println!("{report}");
            ExitCode::from(report.exit_code())
        }
        Ok(Invocation::Watch(settings)) => {
            let mut out = std::io::stdout();
            match watch::run(&settings, &mut out) {
                Ok(health) => ExitCode::from(watch::exit_code(&settings, &health)),
                // stdout closed (piped into `head`, say): nothing left to do.
                Err(_) => ExitCode::SUCCESS,
            }
        }
        Ok(Invocation::Web(settings)) => serve_web(&settings),
        Err(ConfigError::Display(message)) => {
            // --help and --version; printing to a closed pipe is not an error
            // worth a non-zero exit.
            let _ = message.print();
            ExitCode::SUCCESS
        }
        Err(ConfigError::Invalid(message)) => {
            eprintln!("numbers-api: {message}");
            // 1 rather than clap's 2: Docker reserves 2 for health checks.
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: &Settings) -> ExitCode {
    telemetry::init(settings.log_level);
    let result = actix_web::rt::System::new().block_on(async {
        let mut signals = Box::pin(
            shutdown::signals().map_err(|e| format!("cannot install signal handlers: {e}"))?,
        );
        if !settings.startup_delay.is_zero() {
            log::info!(
                target: LIFETIME,
                "numbers-api {} starting: the port opens in {} (--startup-delay)",
                env!("CARGO_PKG_VERSION"),
                duration::format(settings.startup_delay)
            );
            tokio::select! {
                _ = actix_web::rt::time::sleep(settings.startup_delay) => {}
                signal = &mut signals => {
                    log::info!(target: LIFETIME, "{signal} received during the start-up delay: exiting");
                    return Ok(None);
                }
            }
        }
        let app = Application::build(settings).map_err(|e| e.to_string())?;
        log::info!(
            target: LIFETIME,
            "numbers-api {} listening on {} ({}, workers {}, health mode {}, control API {})",
            env!("CARGO_PKG_VERSION"),
            app.local_addr(),
            settings.failure_summary(),
            settings.workers,
            settings.health_mode,
            if settings.control { "on" } else { "off" },
        );
        app.run_until_stopped(signals)
            .await
            .map_err(|e| format!("server error: {e}"))
    });
    match result {
        Ok(None) => {
            log::info!(target: LIFETIME, "stopped");
            ExitCode::SUCCESS
        }
        Ok(Some(code)) => {
            log::info!(target: LIFETIME, "stopped, exit code {code}");
            ExitCode::from(code)
        }
        Err(message) => {
            eprintln!("numbers-api: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `numbers-api web`: numbers-web, stopped by SIGTERM / SIGINT like the API.
fn serve_web(settings: &WebSettings) -> ExitCode {
    telemetry::init(None);
    // --check-api: before the port is bound, as the book's check runs before
    // its app starts. Failing, the one line says which URL and why.
    if let Some(report) = crate::web::check::check_api(settings) {
        if report.exit_code() != 0 {
            eprintln!("numbers-api: the API check failed (--check-api): {report}");
            return ExitCode::FAILURE;
        }
        log::info!("the API check passed (--check-api): {report}");
    }
    let result = actix_web::rt::System::new().block_on(async {
        let signals =
            shutdown::signals().map_err(|e| format!("cannot install signal handlers: {e}"))?;
        let app = WebApp::build(settings).map_err(|e| e.to_string())?;
        log::info!(
            "numbers-web {} listening on {} (API {}, timeout {})",
            env!("CARGO_PKG_VERSION"),
            app.local_addr(),
            settings.api_url,
            duration::format(settings.api_timeout),
        );
        app.run_until_stopped(signals)
            .await
            .map_err(|e| format!("server error: {e}"))
    });
    match result {
        Ok(()) => {
            log::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("numbers-api: {message}");
            ExitCode::FAILURE
        }
    }
}
