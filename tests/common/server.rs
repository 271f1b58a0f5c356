//! Starts the real server in-process, through the binary's own start-up
//! ([`startup::start`]) on a free loopback port, and talks HTTP to it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::mpsc;
use std::time::Duration;

use numbers_api::startup::{self, Serve, Service};
use numbers_api::{server, web};
use tokio::sync::oneshot;

/// How long a start-up may take to bind and build once any start-up delay
/// is over: milliseconds when idle, and far under a second on a loaded
/// machine.
pub const START_DEADLINE: Duration = Duration::from_secs(10);

/// A free port on loopback: the start-up binds it and reports the real one.
const ANY_LOOPBACK_PORT: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// A running server; dropping it stops the server.
pub struct TestApp {
    pub address: SocketAddr,
    agent: ureq::Agent,
    stop: Option<oneshot::Sender<()>>,
}

/// What a test needs to see of a response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub allow: Option<String>,
    pub location: Option<String>,
    pub body: String,
}

/// Starts a server that fails after `fail_after` calls of `/rng`.
pub fn spawn_app(fail_after: u64) -> TestApp {
    spawn_app_with(server::Config::for_tests(fail_after))
}

/// Starts a server with the given configuration (its listen address is
/// ignored: the server gets a free loopback port).
pub fn spawn_app_with(config: server::Config) -> TestApp {
    let config = server::Config {
        listen: ANY_LOOPBACK_PORT,
        ..config
    };
    start(config).listening(START_DEADLINE)
}

/// Starts numbers-web (`numbers-api web`) with the given configuration, on
/// a free loopback port.
pub fn spawn_web(config: web::Config) -> TestApp {
    let config = web::Config {
        listen: ANY_LOOPBACK_PORT,
        ..config
    };
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
pub fn start<S: Service + Send + 'static>(service: S) -> Starting {
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
                agent: agent(),
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

/// A client that reports every status instead of failing on 4xx/5xx, and
/// does not follow redirects, so the lab page's 303s can be checked.
pub fn agent() -> ureq::Agent {
    super::http::agent_config(Some(Duration::from_secs(10)))
        .max_redirects(0)
        .build()
        .into()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub fn get(&self, path: &str) -> Reply {
        reply(self.agent.get(&self.url(path)).call())
    }

    pub fn post(&self, path: &str) -> Reply {
        reply(self.agent.post(&self.url(path)).send_empty())
    }

    /// POST with a body (the control API).
    pub fn post_body(&self, path: &str, body: &str) -> Reply {
        reply(self.agent.post(&self.url(path)).send(body))
    }

    /// GET with a User-Agent, as a given prober sends it.
    pub fn get_as(&self, path: &str, user_agent: &str) -> Reply {
        reply(
            self.agent
                .get(&self.url(path))
                .header("User-Agent", user_agent)
                .call(),
        )
    }

    /// GET that gives up after `timeout`: `None` when no answer came.
    pub fn get_within(&self, path: &str, timeout: Duration) -> Option<Reply> {
        let agent = super::http::agent(Some(timeout));
        match agent.get(&self.url(path)).call() {
            Err(ureq::Error::Timeout(_)) => None,
            other => Some(reply(other)),
        }
    }

    /// GET with a Host header of the caller's choosing.
    pub fn request_with_host(&self, path: &str, host: &str) -> Reply {
        reply(self.agent.get(&self.url(path)).header("Host", host).call())
    }

    pub fn request(&self, method: &str, path: &str) -> Reply {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path))
            .body(())
            .expect("request");
        reply(self.agent.run(request))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = result.expect("the server answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or_default().to_string())
    };
    let content_type = header("content-type").unwrap_or_default();
    let allow = header("allow");
    let location = header("location");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("a text body");
    Reply {
        status,
        content_type,
        allow,
        location,
        body,
    }
}

/// Checks an error body field by field, in ASP.NET Core's order, and
/// returns its traceId.
pub fn assert_problem(reply: &Reply, status: u16, kind: &str, title: &str) -> String {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(
        reply.content_type,
        "application/problem+json; charset=utf-8"
    );
    let prefix = format!(r#"{{"type":"{kind}","title":"{title}","status":{status},"traceId":""#);
    assert!(
        reply.body.starts_with(&prefix),
        "body {} does not start with {prefix}",
        reply.body
    );
    let trace_id = reply.body[prefix.len()..]
        .strip_suffix("\"}")
        .expect("the body ends with the traceId")
        .to_string();
    assert_trace_id_shape(&trace_id);
    trace_id
}

/// `|` + 8 hex digits + `-` + 1 to 16 hex digits + `.`
pub fn assert_trace_id_shape(trace_id: &str) {
    let inner = trace_id
        .strip_prefix('|')
        .and_then(|s| s.strip_suffix('.'))
        .unwrap_or_else(|| panic!("bad traceId {trace_id}"));
    let (counter, suffix) = inner.split_once('-').expect("a dash");
    let hex = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    };
    assert!(
        counter.len() == 8 && hex(counter),
        "bad counter in {trace_id}"
    );
    assert!(
        (1..=16).contains(&suffix.len()) && hex(suffix),
        "bad suffix in {trace_id}"
    );
}

pub const UNHEALTHY_TYPE: &str = "https://tools.ietf.org/html/rfc7231#section-6.6.1";
pub const UNHEALTHY_TITLE: &str = "An error occured while processing your request.";
