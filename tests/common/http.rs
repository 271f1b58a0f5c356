//! The one HTTP client of the tests: every status is an answer to assert on
//! (not an error), no proxy from the environment, and a timeout if given.

use std::time::Duration;

use ureq::config::ConfigBuilder;
use ureq::typestate::AgentScope;

/// The settings every test client starts from, to add to before `build()`.
pub fn agent_config(timeout: Option<Duration>) -> ConfigBuilder<AgentScope> {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(timeout)
        .proxy(None)
}

/// A client with those settings.
pub fn agent(timeout: Option<Duration>) -> ureq::Agent {
    agent_config(timeout).build().into()
}
