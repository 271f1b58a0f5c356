//! A bare actix-web server answering numbers-api's routes with the same
//! bytes: what the framework costs on its own, for `bench/run.py` to compare
//! numbers-api with.
//!
//! Usage: numbers-baseline [--listen ADDR:PORT] [--workers N]

use actix_web::{web, App, HttpResponse, HttpServer};
use rand::Rng;

const JSON: &str = "application/json; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

async fn rng() -> HttpResponse {
    let number: u8 = rand::rng().random_range(0..100);
    HttpResponse::Ok()
        .content_type(JSON)
        .body(number.to_string())
}

async fn ok() -> HttpResponse {
    HttpResponse::Ok().content_type(TEXT).body("Ok")
}

/// The value after `flag` on the command line, if any.
fn flag(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() -> std::io::Result<()> {
    let listen = flag("--listen").unwrap_or_else(|| "127.0.0.1:8080".into());
    let workers = match flag("--workers").map(|w| w.parse::<usize>()) {
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("numbers-baseline: --workers takes a number from 1");
            std::process::exit(1);
        }
    };
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(|| {
            App::new()
                .route("/rng", web::get().to(rng))
                .route("/health", web::get().to(ok))
                .route("/healthz", web::get().to(ok))
                .route("/reset", web::get().to(ok))
                .route("/reset", web::post().to(ok))
        })
        .workers(workers)
        .disable_signals()
        .bind(&listen)?;
        // The same line numbers-api logs, for tools that wait for it.
        for addr in server.addrs() {
            eprintln!("listening on {addr}");
        }
        server.run().await
    })
}
