//! The command line: what clap parses ([`args`]), how that becomes each
//! part's own configuration ([`settings`]), the one-line error messages
//! ([`errors`]), and [`run`]: parse, build the configuration, hand it to
//! the part (the one start-up of both servers, the probe or `watch`), exit
//! with its code. No part imports this module. Called by a foreign
//! program's name (`dotnet`), the binary first translates that program's
//! command line into ours ([`crate::compat`]).

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::compat::{self, httpcheck, Applet};
use crate::startup;
use crate::tools::healthcheck::{self, Client};
use crate::tools::watch;

mod args;
mod errors;
mod parsers;
mod settings;

pub use args::{Cli, DEFAULT_FAIL_AFTER};
pub use errors::ConfigError;
pub use settings::{parse, Invocation};

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
        Err(refused) => exit_refused(refused),
    }
}

/// The address the server listens on (`NUMBERS_LISTEN`, or its default):
/// where a probe in the same container finds it. A bad value is refused, as
/// it would be by the server.
fn listen_address() -> Result<std::net::SocketAddr, ConfigError> {
    Cli::try_parse_from(["numbers-api"])
        .map(|cli| cli.serve.listen)
        .map_err(errors::describe)
}

/// Runs our own command line: serves or probes.
fn run_ours(argv: Vec<OsString>) -> ExitCode {
    match parse(argv) {
        Ok(Invocation::Serve(config)) => ExitCode::from(startup::run(&config.into())),
        Ok(Invocation::Web(config)) => ExitCode::from(startup::run(&config.into())),
        Ok(Invocation::Healthcheck { url, timeout }) => {
            let report = healthcheck::probe(&url, timeout, Client::Healthcheck);
            println!("{report}");
            ExitCode::from(report.exit_code())
        }
        Ok(Invocation::Watch(config)) => {
            let mut out = std::io::stdout();
            match watch::run(&config, &mut out) {
                Ok(health) => ExitCode::from(watch::exit_code(&config, &health)),
                // stdout closed (piped into `head`, say): nothing left to do.
                Err(_) => ExitCode::SUCCESS,
            }
        }
        Err(refused) => exit_refused(refused),
    }
}

/// How a command line that runs nothing ends.
fn exit_refused(refused: ConfigError) -> ExitCode {
    match refused {
        ConfigError::Display(message) => {
            // --help and --version; printing to a closed pipe is not an error
            // worth a non-zero exit.
            let _ = message.print();
            ExitCode::SUCCESS
        }
        ConfigError::Invalid(message) => {
            eprintln!("numbers-api: {message}");
            // 1 rather than clap's 2: Docker reserves 2 for health checks.
            ExitCode::FAILURE
        }
    }
}
