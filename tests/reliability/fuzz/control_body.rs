//! The control API's body parser (`POST /control/health`) and the health
//! modes it reads: whatever a client sends, the parser answers a mode or a
//! one-line reason, and every mode survives the trip through its text.

use std::time::Duration;

use numbers_api::server::mode::HealthMode;
use numbers_api::server::routes::control::{parse_body, MAX_BODY};
use proptest::prelude::*;

/// Every mode the service knows, with values across their ranges.
fn mode() -> impl Strategy<Value = HealthMode> {
    prop_oneof![
        Just(HealthMode::Ok),
        Just(HealthMode::Fail),
        Just(HealthMode::Hang),
        (0u64..=3_600_000).prop_map(|ms| HealthMode::Slow(Duration::from_millis(ms))),
        (0u64..=3_600_000_000).prop_map(|us| HealthMode::Slow(Duration::from_micros(us))),
        (1u32..=u32::MAX).prop_map(HealthMode::FailNext),
        (1u32..=u32::MAX).prop_map(HealthMode::Flap),
    ]
}

/// Bodies a careless or hostile client might send: raw bytes, near-misses of
/// the three accepted shapes, and oversized ones.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        "[a-z=0-9.-]{0,20}".prop_map(String::into_bytes),
        "\\{\"mode\":\"[ -~]{0,20}\"[ -~]{0,8}\\}".prop_map(String::into_bytes),
        "\"[ -~]{0,24}\"".prop_map(String::into_bytes),
        (MAX_BODY - 2..MAX_BODY + 64).prop_map(|n| vec![b'x'; n]),
    ]
}

proptest! {
    #![proptest_config(super::replaying("tests/reliability/fuzz/control_body.proptest-regressions"))]

    #[test]
    fn any_body_gives_a_mode_or_a_one_line_reason_never_a_panic(body in body()) {
        match parse_body(&body) {
            Ok(mode) => prop_assert_eq!(mode.to_string().parse::<HealthMode>(), Ok(mode)),
            Err(reason) => {
                prop_assert!(!reason.is_empty());
                prop_assert!(!reason.contains('\n'), "more than one line: {:?}", reason);
            }
        }
    }

    #[test]
    fn every_mode_round_trips_in_all_three_body_shapes(mode in mode()) {
        let text = mode.to_string();
        let shapes = [
            format!("{{\"mode\":\"{text}\"}}"),
            format!("\"{text}\""),
            format!("  {text}\n"),
        ];
        for body in shapes {
            prop_assert_eq!(parse_body(body.as_bytes()), Ok(mode), "{}", body);
        }
    }
}
