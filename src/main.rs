//! The `numbers-api` binary: all behaviour lives in the library.
fn main() -> std::process::ExitCode {
    numbers_api::cli::run()
}
