//! The compiled binary: settings, signals and the subcommands.

#[path = "../common/mod.rs"]
mod common;
mod config;
mod healthcheck;
mod helpers;
mod lifecycle;
mod reference_page;
mod shutdown;
mod watch;
mod web;
