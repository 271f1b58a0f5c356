//! The lab page at `/`: the state, a `/rng` button, a reset and the last probes;
//! without JavaScript the buttons are forms that POST and redirect back.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::context::{Context, ControlContext};
use super::endpoint::endpoint;
use crate::util::http::fresh_html;
use render::{render, Pressed};
use view::PageView;

mod render;
pub mod view;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/").get(index))
        .service(endpoint("/page/state").get(state_json))
        .service(endpoint("/page/rng").post(form_rng))
        .service(endpoint("/page/reset").post(form_reset));
}

/// `GET /`: the page, rendered with the state of this moment.
async fn index(ctx: Context, req: HttpRequest) -> actix_web::Result<HttpResponse> {
    let page = render(
        &PageView::of(ctx.snapshot()),
        &Pressed::from_query(req.query_string()),
        req.connection_info().host(),
        ctx.control,
    )
    // Our own values cannot fail to format; if so, a 500 beats half a page.
    .map_err(actix_web::error::ErrorInternalServerError)?;
    Ok(fresh_html(page))
}

/// `GET /page/state`: what the page's script polls.
async fn state_json(ctx: Context) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PageView::of(ctx.snapshot()))
}

/// `POST /page/rng`: the button without JavaScript: one call, then back.
async fn form_rng(ctx: Context) -> HttpResponse {
    let location = match ctx.call_rng(ctx.trace_id) {
        Ok(number) => format!("/?number={number}"),
        // `|` is not allowed as is in a URL: percent-encode it.
        Err(error) => format!(
            "/?failed={}",
            error.trace_id().to_string().replace('|', "%7C")
        ),
    };
    see_other(&location)
}

/// `POST /page/reset`: `/reset` (refused alike), then back to the page.
async fn form_reset(ctx: ControlContext) -> HttpResponse {
    ctx.reset();
    see_other("/?reset=1")
}

/// 303: the browser follows with a GET, so a reload repeats nothing.
fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
