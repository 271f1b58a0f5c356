//! The lab page at `/`: the service's state, a button that calls `/rng`, a
//! reset button and a live timeline of the last health probes, so a student
//! watching `docker ps` turn `(unhealthy)` also sees the probes that decide it.
//! With `--control false` the reset button is left out and the note says
//! why: `/reset` and `/page/reset` are refused then.
//!
//! The page works in two layers:
//!
//! - Without JavaScript it is a status page rendered here, and its buttons
//!   are forms that POST to `/page/rng` and `/page/reset`, then redirect back
//!   to `/` (Post/Redirect/Get: reloading the result does not spend another
//!   call).
//! - With JavaScript (`assets/lab.js`) the buttons call `/rng` and `/reset`
//!   themselves, exactly as curl does, and the page reads `/page/state` once
//!   a second.
//!
//! Watching never changes what is watched: loading `/` or reading
//! `/page/state` is neither a call of `/rng` nor a health probe.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::context::{Context, ControlCall};
use super::routes::endpoint;
use super::routes::lab::{call_rng, reset_state};
use crate::util::http::content_type::HTML;
use render::{render, Pressed};
use view::PageState;

mod render;
pub mod view;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/").get(index))
        .service(endpoint("/page/state").get(state_json))
        .service(endpoint("/page/rng").post(form_rng))
        .service(endpoint("/page/reset").post(form_reset));
}

/// `GET /`: the page, rendered with the state of this moment.
async fn index(call: Context, req: HttpRequest) -> HttpResponse {
    let page = render(
        &PageState::read(&call),
        &Pressed::from_query(req.query_string()),
        req.connection_info().host(),
        call.control,
    );
    HttpResponse::Ok()
        .content_type(HTML)
        // The page is the state of one moment: never show a stale copy.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page)
}

/// `GET /page/state`: what the page's script polls.
async fn state_json(call: Context) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PageState::read(&call))
}

/// `POST /page/rng`: the button without JavaScript. One call of `/rng`,
/// counted exactly like curl's, then back to the page with the outcome.
async fn form_rng(call: Context) -> HttpResponse {
    let location = match call_rng(&call) {
        Ok(number) => format!("/?number={number}"),
        // `|` is not allowed as is in a URL: percent-encode it.
        Err(error) => format!(
            "/?failed={}",
            error.trace_id().to_string().replace('|', "%7C")
        ),
    };
    see_other(&location)
}

/// `POST /page/reset`: `/reset`, then back to the page.
/// Refused like `/reset` with `--control false`: a 403 problem, since a
/// page without the button only gets here from someone's hand-made POST.
async fn form_reset(call: ControlCall) -> HttpResponse {
    reset_state(&call);
    see_other("/?reset=1")
}

/// 303: the browser follows with a GET, so a reload repeats nothing.
fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
