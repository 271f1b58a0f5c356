//! The books' numbers exercises on a real engine, with the images of
//! scripts/book-images.sh in place of the books' own: each test runs the
//! commands of its section of docs/books.md against compose and stack files
//! that restate the book's (tests/books/1e, tests/books/2e), and checks what
//! the book says happens.
//!
//! They run when an engine answers and say plainly when they skip; under CI
//! a missing engine is a failure. The images are built once per run.

pub mod common;

mod books {
    mod app;
    mod compose;
    mod exercise;
    mod images;
    mod later_chapters;
    mod stack;
}
