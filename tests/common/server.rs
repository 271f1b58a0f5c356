//! Starts the real server in-process on port 0 and talks HTTP to it.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use numbers_api::cli::{Settings, WebSettings};
use numbers_api::server::Application;
use numbers_api::web::WebApp;
use tokio::sync::oneshot;

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
    spawn_app_with(Settings::for_tests(fail_after))
}

/// Starts a server with the given settings (the listen address is ignored:
/// the server gets a free loopback port).
pub fn spawn_app_with(settings: Settings) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let address = listener.local_addr().expect("local address");
    let (stop, stopped) = oneshot::channel::<()>();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::from_listener(listener, &settings).expect("server starts");
            app.run_until_stopped(async move {
                let _ = stopped.await;
                "test end"
            })
            .await
            .expect("server runs");
        })
    });
    // The listener is bound already, so connections queue until the server
    // accepts them: no readiness polling needed.
    TestApp::new(address, stop)
}

/// Starts numbers-web (`numbers-api web`) with the given settings, on a free
/// loopback port.
pub fn spawn_web(settings: WebSettings) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let address = listener.local_addr().expect("local address");
    let (stop, stopped) = oneshot::channel::<()>();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = WebApp::from_listener(listener, &settings).expect("web app starts");
            app.run_until_stopped(async move {
                let _ = stopped.await;
                "test end"
            })
            .await
            .expect("web app runs");
        })
    });
    TestApp::new(address, stop)
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
    fn new(address: SocketAddr, stop: oneshot::Sender<()>) -> TestApp {
        TestApp {
            address,
            agent: agent(),
            stop: Some(stop),
        }
    }

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
