//! The compiled binary: settings, signals and the subcommands.

pub mod common;

mod cli {
    mod books;
    mod config;
    mod dotnet;
    mod dotnet_httpcheck;
    mod errors_and_help;
    mod healthcheck;
    mod lifecycle;
    mod privileged_port;
    mod probe_output;
    mod reference_page;
    mod shutdown;
    mod watch;
    mod watch_inspect;
    mod web;
    mod web_check_api;
    mod web_rng_api_url;
}
