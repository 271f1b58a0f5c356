//! How the books' bodies go on the wire: chunked, as Kestrel sends every
//! body that ASP.NET Core's MVC writes (the books' `Ok(n)`, `Ok("Ok")` and
//! their 500s), with no `Content-Length`.
//!
//! Why it matters to a student: curl's progress meter prints the length it
//! was told. A failing `curl --fail` health check (the v2 image's) stops at
//! the status line, so with a `Content-Length` its meter reads `0   171` in
//! `docker inspect`'s `State.Health.Log`, where the book's service showed
//! `0     0`: chunked, the length is unknown until the body ends.
//!
//! Which answers: those of the books' endpoints, `/rng`, `/health`,
//! `/healthz` and `/reset`, whatever their status (their handlers return a
//! [`Kestrel`]). The rest are ours and keep their `Content-Length`: the lab
//! page, `/readyz`, `/metrics`, the control API, and the problem bodies of
//! a 404, 405 or 403, which ASP.NET Core 3 answers with no body at all. An
//! HTTP/1.0 client (nginx's `proxy_pass` by default) has no chunks: it gets
//! the length, as Kestrel gives it; so does a request to upgrade the
//! connection, which actix-web would answer unframed.
//!
//! The cost is one small allocation per answer (the body is boxed, as any
//! stream is) and the chunk's framing bytes; `docs/performance.md` has the
//! figures.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::http::Version;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};

use super::problem::ApiError;

/// The answer of one of the books' endpoints, error or not, framed as
/// Kestrel frames it.
pub struct Kestrel(pub Result<HttpResponse, ApiError>);

impl Responder for Kestrel {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        let response = self.0.unwrap_or_else(|error| error.error_response());
        // A request that asks to upgrade the connection (`Connection:
        // Upgrade`) makes actix-web write a streamed body raw, ended by the
        // connection's close, under a `transfer-encoding: chunked` header:
        // such a client gets the length too.
        if req.version() < Version::HTTP_11 || req.head().upgrade() {
            return response;
        }
        response.map_body(|_, body| match body.try_into_bytes() {
            Ok(bytes) => Chunked::new(bytes).boxed(),
            Err(body) => body,
        })
    }
}

/// A body known in full, sent as one chunk and the last chunk: its size is
/// reported as unknown, which is what makes actix-web frame it chunked.
#[derive(Debug)]
pub struct Chunked(Option<Bytes>);

impl Chunked {
    pub fn new(body: impl Into<Bytes>) -> Self {
        Self(Some(body.into()))
    }
}

impl MessageBody for Chunked {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        // An empty chunk would read as the end of the body: send none.
        Poll::Ready(self.get_mut().0.take().filter(|b| !b.is_empty()).map(Ok))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;
    use actix_web::test::TestRequest;

    use super::*;

    fn read<B: MessageBody>(body: B) -> Option<Bytes> {
        actix_web::rt::System::new().block_on(to_bytes(body)).ok()
    }

    #[test]
    fn the_body_is_unsized_and_comes_whole() {
        let body = Chunked::new("Ok");
        assert_eq!(body.size(), BodySize::Stream);

        assert_eq!(read(body), Some(Bytes::from_static(b"Ok")));
    }

    #[test]
    fn an_empty_body_ends_at_once() {
        assert_eq!(read(Chunked::new("")), Some(Bytes::new()));
    }

    #[test]
    fn http_1_1_gets_chunks_and_http_1_0_the_length() {
        let answer = || Kestrel(Ok(HttpResponse::Ok().body("42")));
        let v11 = TestRequest::get().to_http_request();
        let v10 = TestRequest::get()
            .version(Version::HTTP_10)
            .to_http_request();

        let chunked = answer().respond_to(&v11).into_body();
        let sized = answer().respond_to(&v10).into_body();

        assert_eq!(chunked.size(), BodySize::Stream);
        assert_eq!(read(chunked), Some(Bytes::from_static(b"42")));
        assert_eq!(sized.size(), BodySize::Sized(2));
    }

    #[test]
    fn a_request_to_upgrade_the_connection_gets_the_length() {
        let upgrade = TestRequest::get()
            .insert_header(("connection", "Upgrade"))
            .insert_header(("upgrade", "websocket"))
            .to_http_request();

        let answer = Kestrel(Ok(HttpResponse::Ok().body("42"))).respond_to(&upgrade);

        assert_eq!(answer.into_body().size(), BodySize::Sized(2));
    }
}
