//! The settings parser's properties for valid values: every setting of
//! every subcommand, given on the command line in any order and either
//! spelling (`--flag value`, `--flag=value`), comes back as given, the rest
//! as the defaults (see [`super::config`] for the generators).

use std::ffi::OsString;
use std::time::Duration;

use numbers_api::cli::Invocation;
use numbers_api::server::lesson::Rule;
use numbers_api::tools::health_rules::Rules;
use numbers_api::tools::{healthcheck, watch};
use numbers_api::{server, web};
use proptest::prelude::*;

use super::config::*;

proptest! {
    #![proptest_config(super::replaying("tests/reliability/fuzz/config.proptest-regressions"))]

    #[test]
    fn valid_server_settings_come_back_as_given_in_any_order(
        listen in proptest::option::of(listen()),
        fail_after in proptest::option::of(any::<u64>()),
        workers in proptest::option::of(1usize..=1024),
        health_mode in proptest::option::of(health_mode()),
        startup_delay in proptest::option::of(delay()),
        shutdown_delay in proptest::option::of(delay()),
        exit_on_unhealthy in proptest::option::of(1u8..=255),
        control in proptest::option::of(any::<bool>()),
        joined in any::<bool>(),
        order in Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let defaults = baseline();
        let mut flags = vec![Vec::new(); 8];
        if let Some(listen) = listen {
            flags[0] = flag("--listen", listen.to_string(), joined);
        }
        if let Some(fail_after) = fail_after {
            flags[1] = flag("--fail-after", fail_after.to_string(), joined);
        }
        if let Some(workers) = workers {
            flags[2] = flag("--workers", workers.to_string(), joined);
        }
        if let Some(mode) = health_mode {
            flags[3] = flag("--health-mode", mode.to_string(), joined);
        }
        if let Some((text, _)) = &startup_delay {
            flags[4] = flag("--startup-delay", text.clone(), joined);
        }
        if let Some((text, _)) = &shutdown_delay {
            flags[5] = flag("--shutdown-delay", text.clone(), joined);
        }
        if let Some(code) = exit_on_unhealthy {
            flags[6] = flag("--exit-on-unhealthy", code.to_string(), joined);
        }
        if let Some(control) = control {
            flags[7] = flag("--control", control.to_string(), true);
        }
        let args = order.iter().flat_map(|&i| flags[i].clone()).collect();

        let parsed = parse(args);

        let expected = server::Config {
            listen: listen.unwrap_or(defaults.listen),
            fail_after: fail_after.unwrap_or(defaults.fail_after),
            // --fail-after given picks chapter 8's rule whatever else is set.
            rule: if fail_after.is_some() { Rule::Chapter8 } else { defaults.rule },
            broken: defaults.broken,
            log_level: defaults.log_level,
            workers: workers.unwrap_or(defaults.workers),
            health_mode: health_mode.unwrap_or(defaults.health_mode),
            startup_delay: startup_delay.map_or(defaults.startup_delay, |(_, d)| d),
            shutdown_delay: shutdown_delay.map_or(defaults.shutdown_delay, |(_, d)| d),
            exit_on_unhealthy: exit_on_unhealthy.or(defaults.exit_on_unhealthy),
            control: control.unwrap_or(defaults.control),
        };
        prop_assert_eq!(parsed.ok(), Some(Invocation::Serve(expected)));
    }

    #[test]
    fn valid_watch_settings_come_back_as_given_in_any_order(
        url in "http://[^\n]{1,60}",
        interval in proptest::option::of(probe_duration()),
        timeout in proptest::option::of(probe_duration()),
        retries in proptest::option::of(1u32..=1000),
        start_period in proptest::option::of(delay()),
        start_interval in proptest::option::of(probe_duration()),
        inspect in proptest::option::of(any::<bool>()),
        verbose in proptest::option::of(any::<bool>()),
        until in proptest::option::of(status()),
        probes in proptest::option::of(any::<u32>()),
        joined in any::<bool>(),
        order in Just((0..9).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let defaults = watch_baseline(&url);
        let durations = [
            ("--interval", &interval),
            ("--timeout", &timeout),
            ("--start-period", &start_period),
            ("--start-interval", &start_interval),
        ];
        let mut flags = vec![Vec::new(); 9];
        for (i, (name, value)) in durations.iter().enumerate() {
            if let Some((text, _)) = value {
                flags[i] = flag(name, text.clone(), joined);
            }
        }
        if let Some(retries) = retries {
            flags[4] = flag("--retries", retries.to_string(), joined);
        }
        if let Some(inspect) = inspect {
            flags[5] = flag("--inspect", inspect.to_string(), true);
        }
        if let Some(verbose) = verbose {
            flags[6] = flag("--verbose", verbose.to_string(), true);
        }
        if let Some(until) = until {
            flags[7] = flag("--until", until.to_string(), joined);
        }
        if let Some(probes) = probes {
            flags[8] = flag("--probes", probes.to_string(), joined);
        }
        let mut args: Vec<OsString> = vec!["watch".into(), url.clone().into()];
        args.extend(order.iter().flat_map(|&i| flags[i].clone()));

        let parsed = parse(args);

        let rules = defaults.rules;
        let expected = watch::Config {
            url,
            rules: Rules {
                interval: interval.map_or(rules.interval, |(_, d)| d),
                timeout: timeout.map_or(rules.timeout, |(_, d)| d),
                retries: retries.unwrap_or(rules.retries),
                start_period: start_period.map_or(rules.start_period, |(_, d)| d),
                start_interval: start_interval.map_or(rules.start_interval, |(_, d)| d),
            },
            inspect: inspect.unwrap_or(defaults.inspect),
            verbose: verbose.unwrap_or(defaults.verbose),
            until: until.or(defaults.until),
            stop_after: probes.or(defaults.stop_after),
        };
        prop_assert_eq!(parsed.ok(), Some(Invocation::Watch(expected)));
    }

    #[test]
    fn valid_web_settings_come_back_as_given_in_any_order(
        listen in proptest::option::of(listen()),
        api_url in proptest::option::of("http://[^\n]{1,60}"),
        api_timeout in proptest::option::of(probe_duration()),
        joined in any::<bool>(),
        order in Just(vec![0, 1, 2]).prop_shuffle(),
    ) {
        let defaults = match parse(vec!["web".into()]) {
            Ok(Invocation::Web(config)) => config,
            other => panic!("the test environment sets a bad web setting: {other:?}"),
        };
        let mut flags = [Vec::new(), Vec::new(), Vec::new()];
        if let Some(listen) = listen {
            flags[0] = flag("--listen", listen.to_string(), joined);
        }
        if let Some(api_url) = &api_url {
            flags[1] = flag("--api-url", api_url.clone(), joined);
        }
        if let Some((text, _)) = &api_timeout {
            flags[2] = flag("--api-timeout", text.clone(), joined);
        }
        let mut args: Vec<OsString> = vec!["web".into()];
        args.extend(order.iter().flat_map(|&i| flags[i].clone()));

        let parsed = parse(args);

        let expected = web::Config {
            listen: listen.unwrap_or(defaults.listen),
            api_url: api_url.unwrap_or(defaults.api_url.clone()),
            api_timeout: api_timeout.map_or(defaults.api_timeout, |(_, d)| d),
            ..defaults
        };
        prop_assert_eq!(parsed.ok(), Some(Invocation::Web(expected)));
    }

    #[test]
    fn valid_healthcheck_settings_come_back_as_given(
        listen in listen(),
        url in proptest::option::of("http://[^\n]{1,60}"),
        timeout_ms in proptest::option::of(1u64..=3_600_000),
        joined in any::<bool>(),
    ) {
        let mut args = flag("--listen", listen.to_string(), joined);
        args.push("healthcheck".into());
        if let Some(url) = &url {
            args.extend(flag("--url", url.clone(), joined));
        }
        if let Some(timeout_ms) = timeout_ms {
            args.extend(flag("--timeout-ms", timeout_ms.to_string(), joined));
        }

        let parsed = parse(args);

        let expected = Invocation::Healthcheck {
            url: url.unwrap_or_else(|| healthcheck::default_url(listen)),
            timeout: Duration::from_millis(timeout_ms.unwrap_or(2000)),
        };
        prop_assert_eq!(parsed.ok(), Some(expected));
    }
}
