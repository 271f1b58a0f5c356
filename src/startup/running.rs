//! Serving and stopping for both servers: the actix builder, the lifecycle
//! `/readyz` reads, and the drain after a signal.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::BoxBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, Error, HttpResponse, HttpServer};
use tokio::sync::Notify;

use crate::util::duration;
use crate::util::telemetry::LIFETIME;

/// How long requests in flight may take after a signal (Docker waits 10 s).
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(1);

/// The largest request head served, in bytes: the request line and the
/// headers. actix-http refuses a larger head only while it arrives in
/// pieces, so one read that brought a huge head whole would be served; this
/// limit holds however the bytes arrive.
const MAX_HEAD: usize = 64 * 1024;

/// Ready or not (`/readyz`), and the exit asked for (`--exit-on-unhealthy`).
#[derive(Debug, Default)]
pub struct Lifecycle {
    ready: AtomicBool,
    draining: AtomicBool,
    exit_code: AtomicU8,
    exit: Notify,
}

impl Lifecycle {
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed) && !self.is_draining()
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::Relaxed);
    }

    /// Asks the process to stop and exit with `code`; the first request wins.
    pub fn request_exit(&self, code: u8) {
        let first = self
            .exit_code
            .compare_exchange(0, code, Ordering::Relaxed, Ordering::Relaxed);
        if first.is_ok() {
            // A stored permit wakes a waiter that arrives later.
            self.exit.notify_one();
        }
    }

    pub fn exit_code(&self) -> Option<u8> {
        Some(self.exit_code.load(Ordering::Relaxed)).filter(|&code| code != 0)
    }

    async fn exit_requested(&self) -> u8 {
        loop {
            if let Some(code) = self.exit_code() {
                return code;
            }
            self.exit.notified().await;
        }
    }
}

/// A server bound and built, not yet serving.
pub struct Bound {
    server: Server,
    local_addr: SocketAddr,
    lifecycle: Arc<Lifecycle>,
    shutdown_delay: Duration,
}

/// Builds a server on a bound listener from its routes; the signals are ours.
pub fn build(
    listener: TcpListener,
    workers: usize,
    routes: impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
    lifecycle: Arc<Lifecycle>,
    shutdown_delay: Duration,
) -> io::Result<Bound> {
    let local_addr = listener.local_addr()?;
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(refuse_a_huge_head))
            .configure(routes.clone())
    })
    .workers(workers)
    .disable_signals()
    .shutdown_timeout(DRAIN_TIMEOUT.as_secs())
    .listen(listener)?
    .run();
    Ok(Bound {
        server,
        local_addr,
        lifecycle,
        shutdown_delay,
    })
}

/// 431, and the connection closed, for a head over [`MAX_HEAD`]: the
/// request line (`METHOD URI HTTP/1.1`) and the `name: value` lines.
async fn refuse_a_huge_head(
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let target = req.uri().path_and_query().map_or(1, |t| t.as_str().len());
    let line = req.method().as_str().len() + target + 11;
    let head = req.headers().iter().fold(line, |size, (name, value)| {
        size + name.as_str().len() + value.len() + 4
    });
    if head <= MAX_HEAD {
        return next.call(req).await;
    }
    let mut refusal = HttpResponse::build(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    Ok(req.into_response(refusal.force_close().finish()))
}

impl Bound {
    /// The address bound (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` or an exit is asked; then `/readyz` answers 503
    /// for the shutdown delay and requests in flight get [`DRAIN_TIMEOUT`].
    pub async fn run_until_stopped<F>(self, shutdown: F) -> io::Result<Option<u8>>
    where
        F: Future<Output = &'static str> + 'static,
    {
        let handle = self.server.handle();
        let lifecycle = self.lifecycle.clone();
        let delay = self.shutdown_delay;
        actix_web::rt::spawn(async move {
            let reason = tokio::select! {
                signal = shutdown => format!("{signal} received"),
                code = lifecycle.exit_requested() => {
                    format!("Unhealthy with --exit-on-unhealthy (exit code {code})")
                }
            };
            lifecycle.draining.store(true, Ordering::Relaxed);
            if !delay.is_zero() {
                log::info!(
                    target: LIFETIME,
                    "{reason}: /readyz answers 503 for {} before the port closes (--shutdown-delay)",
                    duration::format(delay)
                );
                actix_web::rt::time::sleep(delay).await;
            }
            log::info!(target: LIFETIME, "{reason}: draining requests in flight, then exiting");
            handle.stop(true).await;
        });
        self.lifecycle.mark_ready();
        self.server.await?;
        Ok(self.lifecycle.exit_code())
    }
}
