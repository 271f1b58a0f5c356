//! What every handler of the API starts from: the shared state, and this
//! request's trace id.
//!
//! ASP.NET Core advances its Activity counter once per request, whether or
//! not the request fails, so the `traceId` of an error body tells how many
//! requests came before it. [`Context`] is an extractor that takes the id as
//! the request arrives; every handler takes a `Context` to reach the state,
//! so no handler can forget to advance the counter, or advance it twice.
//! Extracting is an `Arc` clone and one atomic add: nothing is boxed, so the
//! hot path (`/rng`) pays no more than reading the state by hand.
//!
//! A handler that changes the state for everyone (`/reset`, the page's
//! reset, the control API) takes a [`ControlContext`] instead, which
//! refuses the request when `--control false` turned such changes off: the
//! check is in the type, and the state's operations that change it for
//! everyone ask for one, so a new handler of that kind cannot forget it.
//!
//! Handlers name it `ctx`: a "call" is a call of `/rng`, the lab's word.

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
        ready(context(req))
    }
}

fn context(req: &HttpRequest) -> Result<Context, actix_web::Error> {
    match req.app_data::<web::Data<AppState>>() {
        Some(state) => Ok(Context {
            trace_id: state.trace_ids.next_id(),
            state: state.clone(),
        }),
        // Every app the server builds registers the state: a missing one is
        // a bug in start-up, answered as actix answers a missing Data.
        None => Err(actix_web::error::ErrorInternalServerError(
            "the app state is not configured",
        )),
    }
}

/// What a refused request is told: the setting, by flag and variable, so
/// the teacher who sees it knows what to change.
pub const CONTROL_OFF: &str = "turned off by --control false (NUMBERS_CONTROL)";

/// A [`Context`] for a request that changes the state for everyone:
/// extracting it fails with a 403 problem when `--control false`. The
/// state's [`reset`](AppState::reset) and [`set_mode`](AppState::set_mode)
/// ask for one.
///
/// Why 403 and not the 404 an unregistered route would give: the path
/// exists and the request is well formed; the service refuses it by
/// setting. A 404 would send the teacher looking for a typo, where the
/// detail names the setting to change. One answer for every such endpoint,
/// whatever the method, so a student's note reads the same for each.
pub struct ControlContext(Context);

impl std::ops::Deref for ControlContext {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.0
    }
}

impl FromRequest for ControlContext {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(context(req).and_then(|ctx| {
            if ctx.control {
                return Ok(ControlContext(ctx));
            }
            log::info!(
                "Refused {} {}: {CONTROL_OFF}; traceId {}",
                req.method(),
                req.path(),
                ctx.trace_id
            );
            Err(ApiError::Forbidden {
                detail: CONTROL_OFF,
                trace_id: ctx.trace_id,
            }
            .into())
        }))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;
    use crate::server::Config;

    fn extract(control: bool) -> Result<ControlContext, actix_web::Error> {
        let config = Config {
            control,
            ..Config::for_tests(3)
        };
        let state = web::Data::new(AppState::new(&config).expect("metrics register"));
        let req = TestRequest::post()
            .uri("/reset")
            .app_data(state)
            .to_http_request();
        ControlContext::from_request(&req, &mut Payload::None).into_inner()
    }

    #[test]
    fn a_change_of_state_is_refused_with_a_403_naming_the_setting_when_control_is_off() {
        let refused = extract(false).err().expect("refused");

        let response = refused.error_response();
        assert_eq!(response.status(), actix_web::http::StatusCode::FORBIDDEN);
        assert!(refused.to_string().contains(CONTROL_OFF), "{refused}");
    }

    #[test]
    fn a_change_of_state_is_let_through_when_control_is_on() {
        assert!(extract(true).is_ok());
    }
}
