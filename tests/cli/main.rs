//! The compiled binary: settings, signals and the subcommands.

mod config;
mod healthcheck;
mod helpers;
mod lifecycle;
mod readme;
mod shutdown;
mod watch;
mod web;
