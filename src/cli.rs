//! What the binary does: parse the settings, then serve or probe.

use std::process::ExitCode;

use crate::config::{self, ConfigError, Invocation, Settings};
use crate::startup::Application;
use crate::{healthcheck, shutdown, telemetry};

/// Runs the program with the process's arguments and environment.
pub fn run() -> ExitCode {
    match config::parse(std::env::args_os()) {
        Ok(Invocation::Serve(settings)) => serve(&settings),
        Ok(Invocation::Healthcheck(settings)) => {
            let report = healthcheck::probe(&settings);
            println!("{report}");
            ExitCode::from(report.exit_code())
        }
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
    telemetry::init();
    let result = actix_web::rt::System::new().block_on(async {
        let signals =
            shutdown::signals().map_err(|e| format!("cannot install signal handlers: {e}"))?;
        let app = Application::build(settings).map_err(|e| e.to_string())?;
        log::info!(
            "numbers-api {} listening on {} (fail-after {}{}, workers {})",
            env!("CARGO_PKG_VERSION"),
            app.local_addr(),
            settings.fail_after,
            if settings.fail_after == 0 {
                " (never fail)"
            } else {
                ""
            },
            settings.workers,
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
