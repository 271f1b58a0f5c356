//! The settings parser's properties for invalid values: each is refused
//! with one line that names the setting (see [`super::config`] for the
//! generators).

use std::ffi::OsString;
use std::net::SocketAddr;

use proptest::prelude::*;

use super::config::*;

proptest! {
    #![proptest_config(super::replaying("tests/reliability/fuzz/config.proptest-regressions"))]

    #[test]
    fn an_invalid_duration_of_any_subcommand_is_refused_naming_the_setting(
        value in prop_oneof![
            text().prop_filter("no number", |v| !v.chars().any(|c| c.is_ascii_digit())),
            Just("5".to_string()),
            Just("-1s".to_string()),
            Just("61m".to_string()),
            Just("2h".to_string()),
        ],
        (prefix, name) in prop::sample::select(vec![
            (None, "--startup-delay"),
            (None, "--shutdown-delay"),
            (Some("watch"), "--interval"),
            (Some("watch"), "--timeout"),
            (Some("watch"), "--start-period"),
            (Some("watch"), "--start-interval"),
            (Some("web"), "--api-timeout"),
        ]),
    ) {
        let mut args: Vec<OsString> = Vec::new();
        if let Some(subcommand) = prefix {
            args.push(subcommand.into());
            if subcommand == "watch" {
                args.push("http://127.0.0.1:1/health".into());
            }
        }
        args.extend(flag(name, value, true));
        assert_refused(parse(args), name);
    }

    #[test]
    fn an_invalid_listen_address_is_refused_naming_the_setting(
        value in text().prop_filter("not an address", |v| v.parse::<SocketAddr>().is_err())
    ) {
        assert_refused(parse(flag("--listen", value, true)), "--listen");
    }

    #[test]
    fn an_invalid_fail_after_is_refused_naming_the_setting(
        value in prop_oneof![
            text(),
            any::<i64>().prop_filter("negative", |n| *n < 0).prop_map(|n| n.to_string()),
            Just("18446744073709551616".to_string()),
        ]
        .prop_filter("not a count", |v| v.trim().parse::<u64>().is_err()),
        name in prop::sample::select(vec!["--fail-after", "--fail-after-call-count"]),
    ) {
        assert_refused(parse(flag(name, value, true)), name);
    }

    #[test]
    fn an_invalid_worker_count_is_refused_naming_the_setting(
        value in prop_oneof![
            Just("0".to_string()),
            (1025usize..).prop_map(|n| n.to_string()),
            text(),
        ]
        .prop_filter("not 1 to 1024", |v| {
            !v.trim().parse::<usize>().is_ok_and(|n| (1..=1024).contains(&n))
        })
    ) {
        assert_refused(parse(flag("--workers", value, true)), "--workers");
    }

    #[test]
    fn an_invalid_healthcheck_setting_is_refused_naming_it(
        timeout in prop_oneof![
            Just("0".to_string()),
            (3_600_001u64..).prop_map(|n| n.to_string()),
            text().prop_filter("not a number", |v| v.parse::<u64>().is_err()),
        ],
        url in text().prop_filter("not http://", |v| {
            !v.starts_with("http://") || v.len() == "http://".len()
        }),
    ) {
        let timeout_args = [vec!["healthcheck".into()], flag("--timeout-ms", timeout, true)].concat();
        assert_refused(parse(timeout_args), "--timeout-ms");
        let url_args = [vec!["healthcheck".into()], flag("--url", url, true)].concat();
        assert_refused(parse(url_args), "--url");
    }
}
