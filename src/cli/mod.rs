//! The command line: what clap parses ([`args`]), each part's configuration
//! ([`settings`]), one-line errors ([`errors`]), and [`run`]. No part imports it.

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

/// `dotnet Utilities.HttpCheck.dll`, whose default URL follows `--listen`.
fn http_check(args: &httpcheck::Args) -> ExitCode {
    match Cli::try_parse_from(["numbers-api"]) {
        Ok(cli) => {
            let port = cli.serve.listen.port();
            ExitCode::from(httpcheck::run(args, port, &mut std::io::stdout()))
        }
        Err(err) => exit_refused(errors::describe(err)),
    }
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
            match watch::run(&config, &mut std::io::stdout()) {
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
            // --help and --version; a closed pipe is no failure.
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
