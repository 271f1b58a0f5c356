//! `GET /metrics`, in Prometheus' text format.

use actix_web::HttpResponse;

use crate::server::context::Context;
use crate::util::http::content_type::PROMETHEUS;

pub async fn metrics(call: Context) -> HttpResponse {
    let body = call
        .metrics
        .render(call.budget.is_healthy(), call.lifecycle.is_ready());
    HttpResponse::Ok().content_type(PROMETHEUS).body(body)
}
