//! The compiled binary: settings, signals and the subcommands.

pub mod common;

mod cli {
    mod books;
    mod config;
    mod healthcheck;
    mod lifecycle;
    mod privileged_port;
    mod probe_output;
    mod reference_page;
    mod shutdown;
    mod watch;
    mod web;
}
