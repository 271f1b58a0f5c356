//! `Utilities.HttpCheck`'s command line as PowerArgs 4.0.3 parses it: any
//! case, `-name value` or `/name:value`; a bool flag takes the next word only
//! if it is `true`, `false`, `0` or `1`. Where PowerArgs throws we print one
//! line and exit 1.

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flag {
    Url,
    Timeout,
    ConfigKey,
    LogSuccess,
    LogFailure,
}

/// Each flag's shortcut and full name, as PowerArgs matches them.
const FLAGS: [(&str, &str, Flag); 5] = [
    ("u", "Url", Flag::Url),
    ("t", "TimeoutMilliseconds", Flag::Timeout),
    ("c", "UrlFromConfigSetting", Flag::ConfigKey),
    ("ls", "LogSuccess", Flag::LogSuccess),
    ("lf", "LogFailure", Flag::LogFailure),
];

fn flag(name: &str) -> Option<Flag> {
    FLAGS
        .iter()
        .find(|(short, long, _)| {
            name.eq_ignore_ascii_case(short) || name.eq_ignore_ascii_case(long)
        })
        .map(|&(_, _, flag)| flag)
}

fn is_bool(name: &str) -> bool {
    matches!(flag(name), Some(Flag::LogSuccess | Flag::LogFailure))
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
        let mut values: Vec<(Flag, String, String)> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
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
                let next = words.get(i + 1);
                let value = match next {
                    None => String::new(),
                    Some(next) if is_bool(&name) => {
                        let lower = next.to_ascii_lowercase();
                        if ["true", "false", "0", "1"].contains(&lower.as_str()) {
                            i += 1;
                            lower
                        } else {
                            "true".into()
                        }
                    }
                    Some(next) => {
                        i += 1;
                        next.clone()
                    }
                };
                (name, value)
            } else {
                return Err(format!("unexpected argument '{word}'{}", usage()));
            };
            let Some(flag) = flag(&name) else {
                return Err(format!("unexpected argument '-{name}'{}", usage()));
            };
            if let Some((_, first, _)) = values.iter().find(|(f, _, _)| *f == flag) {
                return Err(format!("-{name} given twice (first as -{first})"));
            }
            values.push((flag, name, value));
            i += 1;
        }

        let mut args = Args {
            url: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            config_key: None,
            log_success: true,
            log_failure: true,
        };
        for (flag, name, value) in values {
            match flag {
                Flag::Url => args.url = Some(value),
                Flag::ConfigKey => args.config_key = Some(value),
                Flag::Timeout => args.timeout_ms = parse_int(&value).ok_or_else(|| {
                    format!("invalid value '{value}' for -{name}: expected a whole number of milliseconds, such as 300")
                })?,
                Flag::LogSuccess => args.log_success = parse_bool(&value),
                Flag::LogFailure => args.log_failure = parse_bool(&value),
            }
        }
        Ok(args)
    }
}

/// The flags, for the end of an error message.
fn usage() -> &'static str {
    ": Utilities.HttpCheck.dll takes -u URL, -t MS, -c KEY, -ls BOOL and -lf BOOL"
}

/// PowerArgs' bool: false only for `false` (any case) and `0`.
fn parse_bool(value: &str) -> bool {
    !(value.eq_ignore_ascii_case("false") || value == "0")
}

/// `int.TryParse`, then PowerArgs' named constants.
fn parse_int(value: &str) -> Option<i32> {
    match value {
        "MaxValue" => Some(i32::MAX),
        "MinValue" => Some(i32::MIN),
        _ => {
            let trimmed = value.trim();
            // Rust takes a leading '+' or '-' as .NET does, and no spaces.
            trimmed.parse().ok()
        }
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
