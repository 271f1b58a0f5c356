//! What every handler of the API starts from: the shared state, and this
//! request's trace id.
//!
//! ASP.NET Core advances its Activity counter once per request, whether or
//! not the request fails, so the `traceId` of an error body tells how many
//! requests came before it. [`Context`] is an extractor that takes the id as
//! the request arrives; every handler takes a `Context` to reach the state,
//! so no handler can forget to advance the counter, or advance it twice.
//! Extracting is an `Arc` clone and one atomic add: nothing is boxed, so the
//! hot path (`/rng`) pays what the hand-written calls paid.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use super::problem::ApiError;
use super::state::AppState;
use super::trace_id::TraceId;

/// The shared state and this request's trace id. Take it once per handler.
pub struct Context {
    pub state: web::Data<AppState>,
    pub trace_id: TraceId,
}

impl Context {
    /// The lab's 500, for a handler that answers unhealthy: with
    /// `--exit-on-unhealthy` the process is also asked to exit, so a restart
    /// policy has something to act on.
    pub fn unhealthy(&self) -> ApiError {
        self.state.answered_unhealthy();
        ApiError::Unhealthy {
            trace_id: self.trace_id,
        }
    }
}

impl std::ops::Deref for Context {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.state
    }
}

impl FromRequest for Context {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.app_data::<web::Data<AppState>>() {
            Some(state) => Ok(Context {
                trace_id: state.trace_ids.next_id(),
                state: state.clone(),
            }),
            // Every app the server builds registers the state: a missing one
            // is a bug in start-up, answered as actix answers a missing Data.
            None => Err(actix_web::error::ErrorInternalServerError(
                "the app state is not configured",
            )),
        })
    }
}
