//! Logging through `env_logger`: `RUST_LOG` picks the level, `info` by
//! default (set `RUST_LOG=debug` to see each number as it is handed out).

pub fn init() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .format_timestamp_millis()
        .init();
}
