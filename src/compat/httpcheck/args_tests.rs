use super::*;

fn parse(words: &[&str]) -> Result<Args, String> {
    let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    Args::parse(&words)
}

fn ok(words: &[&str]) -> Args {
    parse(words).unwrap_or_else(|e| panic!("{words:?}: {e}"))
}

#[test]
fn no_flags_give_the_books_defaults() {
    assert_eq!(
        ok(&[]),
        Args {
            url: None,
            timeout_ms: 300,
            config_key: None,
            log_success: true,
            log_failure: true,
        }
    );
}

#[test]
fn the_books_command_lines_parse() {
    let api = ok(&["-u", "http://localhost/health"]);
    assert_eq!(api.url.as_deref(), Some("http://localhost/health"));
    let prod = ok(&["-u", "http://localhost/health", "-t", "500"]);
    assert_eq!(
        (prod.url.as_deref(), prod.timeout_ms),
        (Some("http://localhost/health"), 500)
    );
    let web = ok(&["-c", "RngApi:Url", "-t", "900"]);
    assert_eq!(
        (web.config_key.as_deref(), web.timeout_ms),
        (Some("RngApi:Url"), 900)
    );
    assert_eq!(ok(&["-t", "150"]).timeout_ms, 150);
}

#[test]
fn every_flag_has_a_long_name_and_ignores_case() {
    let args = ok(&[
        "-URL",
        "http://x/",
        "-timeoutmilliseconds",
        "42",
        "-UrlFromConfigSetting",
        "A:B",
        "-LogSuccess",
        "false",
        "-LOGFAILURE",
        "0",
    ]);
    assert_eq!(args.url.as_deref(), Some("http://x/"));
    assert_eq!(args.timeout_ms, 42);
    assert_eq!(args.config_key.as_deref(), Some("A:B"));
    assert!(!args.log_success && !args.log_failure);
    assert_eq!(ok(&["-T", "7"]).timeout_ms, 7);
}

#[test]
fn slash_flags_split_at_the_first_colon() {
    let args = ok(&["/u: http://x:8080/health ", "/t:99", "/c:RngApi:Url"]);
    assert_eq!(args.url.as_deref(), Some("http://x:8080/health"));
    assert_eq!(args.timeout_ms, 99);
    assert_eq!(args.config_key.as_deref(), Some("RngApi:Url"));
    assert_eq!(ok(&["/u"]).url.as_deref(), Some(""));
    assert!(parse(&["/"]).is_err());
    assert!(parse(&["/:x"]).is_err());
}

#[test]
fn a_bool_flag_takes_only_a_bool_word_after_it() {
    assert!(!ok(&["-ls", "false"]).log_success);
    assert!(!ok(&["-ls", "FALSE"]).log_success);
    assert!(!ok(&["-ls", "0"]).log_success);
    assert!(ok(&["-ls", "true"]).log_success);
    assert!(ok(&["-ls", "1"]).log_success);
    // Alone, or before another flag: true, and the next flag is its own.
    assert!(ok(&["-ls"]).log_success);
    let args = ok(&["-lf", "-t", "5"]);
    assert!(args.log_failure);
    assert_eq!(args.timeout_ms, 5);
    // Any other word after it is not its value, and nobody else's.
    assert!(parse(&["-ls", "no"]).is_err());
}

#[test]
fn a_bool_is_false_only_for_false_and_0() {
    assert!(!ok(&["/ls:False"]).log_success);
    assert!(!ok(&["/lf:0"]).log_failure);
    assert!(ok(&["/ls:no"]).log_success);
    assert!(ok(&["/ls:"]).log_success);
}

#[test]
fn a_value_flag_takes_the_next_word_whatever_it_is() {
    assert_eq!(ok(&["-u", "-t"]).url.as_deref(), Some("-t"));
    assert_eq!(ok(&["-u"]).url.as_deref(), Some(""));
    assert_eq!(ok(&["-c"]).config_key.as_deref(), Some(""));
    assert_eq!(ok(&["-t", "-5"]).timeout_ms, -5);
}

#[test]
fn ints_parse_as_dotnet_parses_them() {
    assert_eq!(ok(&["-t", " +150 "]).timeout_ms, 150);
    assert_eq!(ok(&["-t", "MaxValue"]).timeout_ms, i32::MAX);
    assert_eq!(ok(&["-t", "MinValue"]).timeout_ms, i32::MIN);
    assert_eq!(ok(&["-t", "2147483647"]).timeout_ms, i32::MAX);
    for bad in ["150ms", "1.5", "", "2147483648", "maxvalue", "0x10"] {
        let err = parse(&["-t", bad]).unwrap_err();
        assert!(
            err.contains(&format!("'{bad}'")) && err.contains("-t"),
            "{err}"
        );
    }
}

#[test]
fn anything_else_is_refused_on_one_line() {
    for words in [
        &["http://localhost/health"][..],
        &["-5"],
        &["-x", "1"],
        &["--url=http://x"],
        &["-"],
        &["-u", "http://a", "-u", "http://b"],
        &["-t", "1", "/TimeoutMilliseconds:2"],
    ] {
        let err = parse(words).unwrap_err();
        assert!(!err.contains('\n'), "{err}");
    }
    let err = parse(&["-x", "1"]).unwrap_err();
    assert!(err.contains("'-x'") && err.contains("-u URL"), "{err}");
    let err = parse(&["-t", "1", "-T", "2"]).unwrap_err();
    assert!(err.contains("-T given twice"), "{err}");
}

#[test]
fn the_default_url_follows_the_listen_port() {
    assert_eq!(default_url(80), "http://localhost");
    assert_eq!(default_url(8080), "http://localhost:8080");
}
