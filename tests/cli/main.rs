//! The compiled binary: settings, signals and the `healthcheck` subcommand.

mod config;
mod healthcheck;
mod helpers;
mod readme;
mod shutdown;
