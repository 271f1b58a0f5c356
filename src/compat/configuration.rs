//! .NET configuration keys from the environment: `RngApi:Url` is set by `RngApi__Url` or
//! `RngApi:Url`, any case; `__` wins over `:`, the exact case over another, then the first.

use std::ffi::OsString;

/// A key's value, and the variable it came from (for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub variable: String,
    pub value: String,
}

/// .NET's `bool.Parse`: true or false in any case, nothing else.
pub fn parse_dotnet_bool(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("expected true or false".into()),
    }
}

/// The value of configuration key `key` in the process's environment.
pub fn lookup(key: &str) -> Option<Found> {
    lookup_in(key, std::env::vars_os())
}

/// The value of configuration key `key` among `vars`.
fn lookup_in<I>(key: &str, vars: I) -> Option<Found>
where
    I: IntoIterator<Item = (OsString, OsString)>,
{
    let underscored = key.replace(':', "__");
    let found = vars.into_iter().filter_map(|(name, value)| {
        // A name that is not UTF-8 cannot spell a key.
        let variable = name.into_string().ok()?;
        let value = value.to_string_lossy().into_owned();
        let rank = (
            variable.contains(':'),
            variable != underscored && variable != key,
        );
        let matches = variable.replace("__", ":").eq_ignore_ascii_case(key);
        matches.then(|| ((rank, variable.clone()), Found { variable, value }))
    });
    found.min_by(|a, b| a.0.cmp(&b.0)).map(|(_, found)| found)
}

/// The variables that set `key`: `RngApi__Url or RngApi:Url`.
pub fn spellings(key: &str) -> String {
    let underscored = key.replace(':', "__");
    if underscored == key {
        key.to_string()
    } else {
        format!("{underscored} or {key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs
            .iter()
            .map(|(name, value)| (OsString::from(name), OsString::from(value)))
            .collect()
    }

    fn value(key: &str, pairs: &[(&str, &str)]) -> Option<String> {
        lookup_in(key, vars(pairs)).map(|found| found.value)
    }

    #[test]
    fn either_spelling_sets_the_key() {
        assert_eq!(
            lookup_in("RngApi:Url", vars(&[("RngApi__Url", "http://a/rng")])),
            Some(Found {
                variable: "RngApi__Url".into(),
                value: "http://a/rng".into()
            })
        );
        assert_eq!(
            value("RngApi:Url", &[("RngApi:Url", "http://b/rng")]),
            Some("http://b/rng".into())
        );
        assert_eq!(value("RngApi:Url", &[("PATH", "/bin")]), None);
    }

    #[test]
    fn the_underscore_spelling_wins_over_the_colon() {
        let both = [
            ("RngApi:Url", "http://colon"),
            ("RngApi__Url", "http://under"),
        ];
        assert_eq!(value("RngApi:Url", &both), Some("http://under".into()));
        let reversed = [
            ("RngApi__Url", "http://under"),
            ("RngApi:Url", "http://colon"),
        ];
        assert_eq!(value("RngApi:Url", &reversed), Some("http://under".into()));
    }

    #[test]
    fn keys_ignore_case_and_the_exact_spelling_wins() {
        assert_eq!(
            value("RngApi:Url", &[("RNGAPI__URL", "http://upper")]),
            Some("http://upper".into())
        );
        let both = [
            ("RNGAPI__URL", "http://upper"),
            ("RngApi__Url", "http://exact"),
        ];
        assert_eq!(value("RngApi:Url", &both), Some("http://exact".into()));
    }

    #[test]
    fn a_key_written_with_underscores_matches_nothing() {
        assert_eq!(value("RngApi__Url", &[("RngApi__Url", "http://a")]), None);
    }

    #[test]
    fn nested_keys_take_any_mix_of_spellings() {
        let pairs = [("Logging__LogLevel:Default", "Debug")];
        assert_eq!(
            value("Logging:LogLevel:Default", &pairs),
            Some("Debug".into())
        );
        assert_eq!(
            spellings("Logging:LogLevel:Default"),
            "Logging__LogLevel__Default or Logging:LogLevel:Default"
        );
        assert_eq!(spellings("Broken"), "Broken");
    }

    #[test]
    fn an_empty_value_is_still_a_value() {
        assert_eq!(
            value("RngApi:Url", &[("RngApi__Url", "")]),
            Some(String::new())
        );
    }

    #[test]
    fn dotnet_bools_are_true_or_false_in_any_case() {
        assert_eq!(parse_dotnet_bool("true"), Ok(true));
        assert_eq!(parse_dotnet_bool(" False "), Ok(false));
        assert_eq!(parse_dotnet_bool("TRUE"), Ok(true));
        for bad in ["", "1", "0", "yes", "on", "truth"] {
            assert!(parse_dotnet_bool(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
