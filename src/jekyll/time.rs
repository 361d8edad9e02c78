//! Jekyll's `timezone`: dates written without an offset are read in that zone, and every
//! post date is shown (and put in URLs) in it, as Jekyll does with `Time#localtime`.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// No `timezone`: dates without an offset are UTC, dates with one keep it.
    AsWritten,
    Named(chrono_tz::Tz),
}

impl Zone {
    pub fn parse(name: &str) -> Result<Zone, crate::config::ConfigError> {
        if name.trim().is_empty() {
            return Ok(Zone::AsWritten);
        }
        name.trim()
            .parse::<chrono_tz::Tz>()
            .map(Zone::Named)
            .map_err(|_| crate::config::ConfigError::UnknownZone(name.to_string()))
    }

    /// A wall-clock time in this zone. A time skipped by a daylight-saving jump is read an
    /// hour later, as Ruby does.
    pub fn localize(self, naive: NaiveDateTime) -> DateTime<FixedOffset> {
        match self {
            Zone::AsWritten => Utc.from_utc_datetime(&naive).fixed_offset(),
            Zone::Named(tz) => tz
                .from_local_datetime(&naive)
                .earliest()
                .or_else(|| {
                    tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
                        .earliest()
                })
                .map_or_else(
                    || Utc.from_utc_datetime(&naive).fixed_offset(),
                    |d| d.fixed_offset(),
                ),
        }
    }

    /// The same instant on this zone's clock.
    pub fn convert(self, date: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        match self {
            Zone::AsWritten => date,
            Zone::Named(tz) => date.with_timezone(&tz).fixed_offset(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seoul_clock() {
        let z = Zone::parse("Asia/Seoul").unwrap();
        let d = DateTime::parse_from_rfc3339("2025-06-10T23:30:00+00:00").unwrap();
        assert_eq!(z.convert(d).to_rfc3339(), "2025-06-11T08:30:00+09:00");
        let n = NaiveDateTime::parse_from_str("2025-06-10 00:00", "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(z.localize(n).to_rfc3339(), "2025-06-10T00:00:00+09:00");
        assert!(Zone::parse("Mars/Base").is_err());
        assert_eq!(Zone::parse("").unwrap(), Zone::AsWritten);
    }
}
