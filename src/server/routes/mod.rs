//! The HTTP endpoints, one file per group: the lab's `/rng` and the
//! Kubernetes book's `/reset` ([`lab`]), the probes `/health`, `/healthz`
//! and `/readyz` ([`probes`]), [`metrics`] and the [`control`] API. The lab
//! page's own routes live with the page.
//!
//! Every handler takes a [`Context`] first, so the counter in error bodies
//! advances once per request, as ASP.NET Core's does. Every path is declared
//! through [`endpoint`], which answers any other method with a 405
//! problem+json listing the ones it takes; unknown paths answer 404.
//! Handlers that change the state take a `ControlCall` instead, which
//! answers 403 when `--control false`; their routes are always registered,
//! so a refused request says why instead of looking like a typo.

use std::future::{ready, Ready};

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::{web, FromRequest, Handler, HttpResponse, Resource, Responder};

use super::context::Context;
use super::problem::ApiError;

pub mod control;
pub mod lab;
pub mod metrics;
pub mod probes;

/// Registers the API's routes (the control API and the page register their
/// own), and the 404 for everything else.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/rng").get(lab::rng))
        // Two resources rather than one with both paths: a resource with
        // several paths is matched by a regular expression, one path by a
        // comparison, and probes are the hottest path after /rng.
        .service(endpoint("/health").get(probes::health))
        .service(endpoint("/healthz").get(probes::health))
        .service(endpoint("/reset").get(lab::reset).post(lab::reset))
        .service(endpoint("/readyz").get(probes::readyz))
        .service(endpoint("/metrics").get(metrics::metrics))
        .default_service(web::to(not_found));
}

/// A path and the methods it takes; any other method answers 405 with an
/// `Allow` header naming these. Register it with `.service(...)`.
pub struct Endpoint {
    resource: Resource,
    get: bool,
    post: bool,
}

/// Starts declaring the methods `path` takes.
pub fn endpoint(path: &str) -> Endpoint {
    Endpoint {
        resource: web::resource(path),
        get: false,
        post: false,
    }
}

impl Endpoint {
    /// `GET` goes to `handler`.
    pub fn get<F, Args>(mut self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.resource = self.resource.route(web::get().to(handler));
        self.get = true;
        self
    }

    /// `POST` goes to `handler`.
    pub fn post<F, Args>(mut self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.resource = self.resource.route(web::post().to(handler));
        self.post = true;
        self
    }

    /// The `Allow` header's value.
    fn allow(&self) -> &'static str {
        match (self.get, self.post) {
            (true, true) => "GET, POST",
            (false, true) => "POST",
            _ => "GET",
        }
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        let allow = self.allow();
        self.resource
            .default_service(web::to(move |call: Context| {
                method_not_allowed(call, allow)
            }))
            .register(config);
    }
}

fn method_not_allowed(call: Context, allow: &'static str) -> Ready<Result<HttpResponse, ApiError>> {
    ready(Err(ApiError::MethodNotAllowed {
        allow,
        trace_id: call.trace_id,
    }))
}

async fn not_found(call: Context) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound {
        trace_id: call.trace_id,
    })
}
