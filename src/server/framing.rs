//! The books' bodies chunked, with no `Content-Length`, as Kestrel sends them, so curl's
//! progress meter in `docker inspect` reads as in the book; HTTP/1.0 and upgrades keep it.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::http::Version;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};

use super::problem::ApiError;

/// The answer of one of the books' endpoints, framed as Kestrel frames it.
pub struct Kestrel(pub Result<HttpResponse, ApiError>);

impl Responder for Kestrel {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        let response = self.0.unwrap_or_else(|error| error.error_response());
        // Upon `Connection: Upgrade` actix-web would write a streamed body
        // raw under a chunked header: such a client gets the length too.
        if req.version() < Version::HTTP_11 || req.head().upgrade() {
            return response;
        }
        response.map_body(|_, body| match body.try_into_bytes() {
            Ok(bytes) => Chunked::new(bytes).boxed(),
            Err(body) => body,
        })
    }
}

/// A body known in full, of a size reported as unknown: actix-web chunks it.
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
