//! A path and the methods it takes: any other method answers 405
//! problem+json with an `Allow` header, as ASP.NET Core's routing does.

use std::future::{ready, Ready};

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::{web, FromRequest, Handler, HttpResponse, Resource, Responder};

use super::context::Context;
use super::problem::ApiError;

/// A path and the methods it takes. Register it with `.service(...)`.
pub struct Endpoint {
    resource: Resource,
    get: bool,
    post: bool,
}

pub fn endpoint(path: &str) -> Endpoint {
    Endpoint {
        resource: web::resource(path),
        get: false,
        post: false,
    }
}

impl Endpoint {
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
            .default_service(web::to(move |ctx: Context| method_not_allowed(ctx, allow)))
            .register(config);
    }
}

fn method_not_allowed(ctx: Context, allow: &'static str) -> Ready<Result<HttpResponse, ApiError>> {
    ready(Err(ApiError::MethodNotAllowed {
        allow,
        trace_id: ctx.trace_id,
    }))
}
