//! A path and its methods; any other answers 405 with `Allow`, as ASP.NET
//! Core does.

use std::future::{ready, Ready};

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::{web, FromRequest, Handler, HttpResponse, Resource, Responder, Route};

use super::context::Context;
use super::problem::ApiError;

/// A path and the methods it takes. Register it with `.service(...)`.
pub struct Endpoint {
    resource: Resource,
    allow: &'static str,
}

pub fn endpoint(path: &str) -> Endpoint {
    Endpoint {
        resource: web::resource(path),
        allow: "",
    }
}

impl Endpoint {
    pub fn get<F: Handler<A>, A: FromRequest + 'static>(self, handler: F) -> Self
    where
        F::Output: Responder + 'static,
    {
        self.on(web::get().to(handler), "GET")
    }

    pub fn post<F: Handler<A>, A: FromRequest + 'static>(self, handler: F) -> Self
    where
        F::Output: Responder + 'static,
    {
        self.on(web::post().to(handler), "POST")
    }

    /// GET comes first where a path takes both.
    fn on(mut self, route: Route, method: &'static str) -> Self {
        self.resource = self.resource.route(route);
        self.allow = if self.allow.is_empty() {
            method
        } else {
            "GET, POST"
        };
        self
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        let allow = self.allow;
        self.resource
            .default_service(web::to(move |ctx: Context| method_not_allowed(ctx, allow)))
            .register(config);
    }
}

fn method_not_allowed(ctx: Context, allow: &'static str) -> Ready<Result<HttpResponse, ApiError>> {
    let trace_id = ctx.trace_id;
    ready(Err(ApiError::MethodNotAllowed { allow, trace_id }))
}
