//! The compiled binary: settings, signals and the `healthcheck` subcommand.

mod config;
mod healthcheck;
mod helpers;
mod lifecycle;
mod readme;
mod shutdown;
mod watch;
