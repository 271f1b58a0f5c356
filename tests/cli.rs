//! The compiled binary: settings, signals and the subcommands.

pub mod common;

mod cli {
    mod config;
    mod dotnet;
    mod dotnet_httpcheck;
    mod healthcheck;
    mod lifecycle;
    mod privileged_port;
    mod reference_page;
    mod shutdown;
    mod watch;
    mod web;
    mod web_rng_api_url;
}
