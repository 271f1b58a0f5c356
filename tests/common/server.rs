//! Starts a real server in process, the API or numbers-web, through the
//! binary's own start-up ([`startup::start`]) on a free loopback port, and
//! talks HTTP to it with the tests' one client ([`super::http`]).

use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::Duration;

use numbers_api::startup::{self, Program};
use tokio::sync::oneshot;

use super::http::{self, answered, Reply};

/// How long a start-up may take to bind and build once any start-up delay
/// is over: milliseconds when idle, and far under a second on a loaded
/// machine.
pub const START_DEADLINE: Duration = Duration::from_secs(10);

/// A running server; dropping it stops the server.
pub struct TestApp {
    pub address: SocketAddr,
    agent: ureq::Agent,
    stop: Option<oneshot::Sender<()>>,
}

/// Starts either server, the API (`server::Config`) or numbers-web
/// (`web::Config`), as configured, and waits until it listens. Their
/// `for_tests` configurations listen on a free loopback port (port 0).
pub fn spawn(config: impl Into<Program>) -> TestApp {
    start(config).listening(START_DEADLINE)
}

/// Why a start-up ended without a server.
#[derive(Debug, PartialEq, Eq)]
pub enum NotStarted {
    /// Stopped during the start-up delay: the port never opened.
    Stopped,
    /// The start-up failed with this one-line message.
    Failed(String),
}

/// A start-up under way on a thread of its own, as the binary runs it.
pub struct Starting {
    outcome: mpsc::Receiver<Result<SocketAddr, NotStarted>>,
    /// Sent, or dropped with this value, it stops the start-up or the
    /// server, as a signal would.
    stop: Option<oneshot::Sender<()>>,
}

/// Starts `service` through [`startup::start`], then serves it until the
/// [`TestApp`] is dropped.
pub fn start(service: impl Into<Program>) -> Starting {
    let service = service.into();
    let (stop, stopped) = oneshot::channel::<()>();
    let (report, outcome) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let mut shutdown = Box::pin(async move {
                let _ = stopped.await;
                "test end"
            });
            match startup::start(&service, &mut shutdown).await {
                Ok(Some(server)) => {
                    let _ = report.send(Ok(server.local_addr()));
                    server
                        .run_until_stopped(shutdown)
                        .await
                        .expect("server runs");
                }
                Ok(None) => {
                    let _ = report.send(Err(NotStarted::Stopped));
                }
                Err(error) => {
                    let _ = report.send(Err(NotStarted::Failed(error.to_string())));
                }
            }
        })
    });
    Starting {
        outcome,
        stop: Some(stop),
    }
}

impl Starting {
    /// How the start-up ended, if it did within `deadline`: where it
    /// listens, or why it does not.
    pub fn outcome(&self, deadline: Duration) -> Option<Result<SocketAddr, NotStarted>> {
        self.outcome.recv_timeout(deadline).ok()
    }

    /// The running server, once it listens; panics unless it does within
    /// `deadline`.
    pub fn listening(self, deadline: Duration) -> TestApp {
        match self.outcome(deadline) {
            Some(Ok(address)) => TestApp {
                address,
                agent: http::agent(http::TIMEOUT),
                stop: self.stop,
            },
            Some(Err(why)) => panic!("the server did not start: {why:?}"),
            None => panic!("the server did not listen within {deadline:?}"),
        }
    }

    /// Asks the start-up to stop, as a signal would.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub fn get(&self, path: &str) -> Reply {
        answered(self.agent.get(&self.url(path)).call())
    }

    pub fn post(&self, path: &str) -> Reply {
        answered(self.agent.post(&self.url(path)).send_empty())
    }

    /// POST with a body (the control API).
    pub fn post_body(&self, path: &str, body: &str) -> Reply {
        answered(self.agent.post(&self.url(path)).send(body))
    }

    /// GET with a User-Agent, as a given prober sends it.
    pub fn get_as(&self, path: &str, user_agent: &str) -> Reply {
        answered(
            self.agent
                .get(&self.url(path))
                .header("User-Agent", user_agent)
                .call(),
        )
    }

    /// GET that gives up after `timeout`: `None` when no answer came.
    pub fn get_within(&self, path: &str, timeout: Duration) -> Option<Reply> {
        http::get_within(&self.url(path), timeout)
    }

    /// GET with a Host header of the caller's choosing.
    pub fn get_with_host(&self, path: &str, host: &str) -> Reply {
        answered(self.agent.get(&self.url(path)).header("Host", host).call())
    }

    /// A request with any method and no body.
    pub fn request(&self, method: &str, path: &str) -> Reply {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path))
            .body(())
            .expect("request");
        answered(self.agent.run(request))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
