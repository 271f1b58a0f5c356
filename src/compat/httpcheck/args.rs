//! `Utilities.HttpCheck`'s command line as PowerArgs 4.0.3 parses it: any case, `-name value`
//! or `/name:value`; a bool flag takes the next word only if it is `true`, `false`, `0` or
//! `1`. Where PowerArgs throws we print one line and exit 1.

/// What the check was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// `-u`; `None`: the default, which depends on the listen port.
    pub url: Option<String>,
    /// `-t`: an answer must come in under this many milliseconds.
    pub timeout_ms: i32,
    /// `-c`: read the URL from this configuration key instead.
    pub config_key: Option<String>,
    /// `-ls`: print the line for an answer.
    pub log_success: bool,
    /// `-lf`: print the line for a failure to get one.
    pub log_failure: bool,
}

/// The book's default for `-t`.
pub const DEFAULT_TIMEOUT_MS: i32 = 300;

/// Each flag's shortcut and full name, as PowerArgs matches them: `-u`,
/// `-t`, `-c`, then the two bools.
const FLAGS: [(&str, &str); 5] = [
    ("u", "Url"),
    ("t", "TimeoutMilliseconds"),
    ("c", "UrlFromConfigSetting"),
    ("ls", "LogSuccess"),
    ("lf", "LogFailure"),
];

/// The flags, for the end of an error message.
const USAGE: &str = ": Utilities.HttpCheck.dll takes -u URL, -t MS, -c KEY, -ls BOOL and -lf BOOL";

/// A flag's place in [`FLAGS`].
fn flag(name: &str) -> Option<usize> {
    let named = |&(short, long): &(&str, &str)| {
        name.eq_ignore_ascii_case(short) || name.eq_ignore_ascii_case(long)
    };
    FLAGS.iter().position(named)
}

/// `-name`, but not `-5`: PowerArgs reads a dash and a digit as a value.
fn is_dash_flag(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next() == Some('-') && chars.next().is_some_and(|c| !c.is_ascii_digit())
}

impl Args {
    /// Parses the words after `Utilities.HttpCheck.dll`. The error is one
    /// line naming the flag and the value.
    pub fn parse(words: &[String]) -> Result<Args, String> {
        let mut values: Vec<(usize, String, String)> = Vec::new();
        let mut words = words.iter().peekable();
        while let Some(word) = words.next() {
            let (name, value) = if let Some(rest) = word.strip_prefix('/') {
                let (name, value) = rest.split_once(':').unwrap_or((rest, ""));
                if name.trim().is_empty() {
                    return Err("missing argument name after '/'".into());
                }
                (name.trim().to_string(), value.trim().to_string())
            } else if word == "-" {
                return Err("missing argument name after '-'".into());
            } else if is_dash_flag(word) {
                let name = word[1..].to_string();
                // A bool takes the next word only if it is one; no word is true.
                let value = match flag(&name) {
                    Some(3 | 4) => words.next_if(|next| {
                        ["true", "false", "0", "1"]
                            .iter()
                            .any(|b| next.eq_ignore_ascii_case(b))
                    }),
                    _ => words.next(),
                };
                (name, value.cloned().unwrap_or_default())
            } else {
                return Err(format!("unexpected argument '{word}'{USAGE}"));
            };
            let Some(at) = flag(&name) else {
                return Err(format!("unexpected argument '-{name}'{USAGE}"));
            };
            if let Some((_, first, _)) = values.iter().find(|(seen, _, _)| *seen == at) {
                return Err(format!("-{name} given twice (first as -{first})"));
            }
            values.push((at, name, value));
        }

        let mut args = Args {
            url: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            config_key: None,
            log_success: true,
            log_failure: true,
        };
        for (at, name, value) in values {
            match at {
                0 => args.url = Some(value),
                1 => args.timeout_ms = parse_int(&value).ok_or_else(|| {
                    format!("invalid value '{value}' for -{name}: expected a whole number of milliseconds, such as 300")
                })?,
                2 => args.config_key = Some(value),
                3 => args.log_success = parse_bool(&value),
                _ => args.log_failure = parse_bool(&value),
            }
        }
        Ok(args)
    }
}

/// PowerArgs' bool: false only for `false` (any case) and `0`.
fn parse_bool(value: &str) -> bool {
    !(value.eq_ignore_ascii_case("false") || value == "0")
}

/// `int.TryParse` (a sign but no spaces, as Rust's), then PowerArgs' constants.
fn parse_int(value: &str) -> Option<i32> {
    match value {
        "MaxValue" => Some(i32::MAX),
        "MinValue" => Some(i32::MIN),
        _ => value.trim().parse().ok(),
    }
}

/// The URL `-u` defaults to for a check of a server on `port`.
pub fn default_url(port: u16) -> String {
    match port {
        80 => "http://localhost".into(),
        port => format!("http://localhost:{port}"),
    }
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
