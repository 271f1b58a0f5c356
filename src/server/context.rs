//! Each API handler's start: the shared state and the request's trace id, taken once
//! per request as ASP.NET Core does; [`ControlContext`] also checks `--control`.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use super::problem::ApiError;
use super::state::AppState;
use super::trace_id::TraceId;

/// What a refused request is told: the setting to change.
pub const CONTROL_OFF: &str = "turned off by --control false (NUMBERS_CONTROL)";

/// The shared state and this request's trace id. Take it once per handler.
/// With `CONTROL`, for a request that changes the state for everyone.
pub struct Context<const CONTROL: bool = false> {
    pub state: web::Data<AppState>,
    pub trace_id: TraceId,
}

/// A [`Context`] refused, with `--control false`, as a 403 naming the
/// setting (a 404 would suggest a typo).
pub type ControlContext = Context<true>;

impl<const CONTROL: bool> std::ops::Deref for Context<CONTROL> {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.state
    }
}

impl<const CONTROL: bool> FromRequest for Context<CONTROL> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            // A bug in start-up, answered as actix answers a missing Data.
            let missing = "the app state is not configured";
            return ready(Err(actix_web::error::ErrorInternalServerError(missing)));
        };
        let trace_id = state.trace_ids.next_id();
        if CONTROL && !state.control {
            let (method, path) = (req.method(), req.path());
            log::info!("Refused {method} {path}: {CONTROL_OFF}; traceId {trace_id}");
            let detail = CONTROL_OFF;
            return ready(Err(ApiError::Forbidden { detail, trace_id }.into()));
        }
        ready(Ok(Context {
            state: state.clone(),
            trace_id,
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
        let state = web::Data::new(AppState::new(&config));
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
