//! Small helpers with no place in any one layer: clocks, random tokens and
//! passwords hidden in URLs. Imports nothing from this crate, so every
//! module may use it.

/// Now as RFC 3339 UTC with seconds precision, e.g. `2026-11-25T18:00:00Z`.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Milliseconds since the Unix epoch, the `ts` of chat and SSE messages.
pub fn now_millis() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

/// 128 random bits from the OS, hex-encoded.
pub(crate) fn random_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot generate a random token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A database or Redis URL fit for messages and logs: the password, in
/// the user info or as a `password=` query parameter (libpq's form), becomes
/// `***`. Text that does not parse as a URL is shown as is only when it
/// cannot hold a password (no `@`, no `password`); otherwise only its
/// scheme is.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                // Fails only for URLs that cannot have credentials, which
                // then have no password to hide.
                let _ = parsed.set_password(Some("***"));
            }
            if parsed.query_pairs().any(|(k, _)| k == "password") {
                let pairs: Vec<(String, String)> = parsed
                    .query_pairs()
                    .map(|(k, v)| {
                        let v = if k == "password" { "***".into() } else { v };
                        (k.into_owned(), v.into_owned())
                    })
                    .collect();
                parsed.query_pairs_mut().clear().extend_pairs(pairs);
            }
            parsed.to_string()
        }
        Err(_) if !url.contains('@') && !url.to_ascii_lowercase().contains("password") => {
            url.to_owned()
        }
        Err(_) => match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://… (hidden: not a valid URL)"),
            None => "(hidden: not a valid URL)".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://me:secret@db:5432/x"),
            "postgres://me:***@db:5432/x"
        );
        assert_eq!(
            redact("redis://:hunter2@127.0.0.1:6379/"),
            "redis://:***@127.0.0.1:6379/"
        );
        assert_eq!(
            redact("rediss://user:p%40ss@cache.example:6380/2"),
            "rediss://user:***@cache.example:6380/2"
        );
        // An `@` in the password itself, unescaped: the last one ends it.
        assert_eq!(
            redact("postgres://me:se@cret@db/x"),
            "postgres://me:***@db/x"
        );
    }

    #[test]
    fn urls_without_a_password_are_kept() {
        assert_eq!(redact("postgres://db/x"), "postgres://db/x");
        assert_eq!(redact("postgres://me@db/x"), "postgres://me@db/x");
        assert_eq!(redact("redis://127.0.0.1:6379/"), "redis://127.0.0.1:6379/");
        assert_eq!(redact("mysql://nope"), "mysql://nope");
    }

    #[test]
    fn query_passwords_are_redacted() {
        assert_eq!(
            redact("postgres://db/x?user=me&password=secret&sslmode=disable"),
            "postgres://db/x?user=me&password=***&sslmode=disable"
        );
    }

    #[test]
    fn text_that_is_not_a_url_is_hidden_if_it_may_hold_a_password() {
        assert_eq!(
            redact("host=db user=me password=secret"),
            "(hidden: not a valid URL)"
        );
        assert_eq!(
            redact("postgres://me:secret@db:99999/x"),
            "postgres://… (hidden: not a valid URL)"
        );
        assert!(!redact("redis://:secret@[::1/").contains("secret"));
        // Nothing secret in these: shown, so the message says what is wrong.
        assert_eq!(redact("postgres://db:99999/x"), "postgres://db:99999/x");
        assert_eq!(redact("host=db user=me"), "host=db user=me");
    }

    #[test]
    fn tokens_are_128_bits_of_hex() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
