//! `GET /metrics`, in Prometheus' text format.

use actix_web::HttpResponse;

use crate::server::context::Context;
use crate::util::http::content_type::PROMETHEUS;

pub async fn metrics(ctx: Context) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(PROMETHEUS)
        .body(ctx.render_metrics())
}
