//! [`Schema`] for the serde-enabled types of jiff 1.x (read from jiff 1.0.3): the
//! `Serialize` and `Deserialize` impls at the end of `src/timestamp.rs`,
//! `src/zoned.rs`, `src/span.rs`, `src/signed_duration.rs`, `src/civil/date.rs`,
//! `src/civil/datetime.rs`, `src/civil/time.rs` and `src/civil/iso_week_date.rs`.
//!
//! jiff writes every one of them as a string, whatever the format
//! (`serializer.collect_str(self)`, the `Display` form), and reads it back with
//! `deserialize_str`. Its other types (`tz::Offset`, `tz::TimeZone`,
//! `civil::Weekday`, `Unit`, `RoundMode`) have no serde impls of their own (only
//! `with` helpers in `jiff::fmt::serde`, which a field marks with
//! `#[schema(as = ..)]`), so they are not described here.

use jiff::civil::{Date, DateTime, ISOWeekDate, Time};
use jiff::{SignedDuration, Span, Timestamp, ZonedDateTime};

use crate::schema::{Builder, Node, Schema};

string! {
    // RFC 3339 in UTC: `2026-03-01T08:30:00Z`.
    Timestamp,
    // RFC 9557, offset and time zone: `2026-03-01T09:30:00+01:00[Europe/Paris]`.
    ZonedDateTime,
    // ISO 8601 durations: `P1Y2M3W4DT5H6M7.008S` (calendar units kept apart);
    // a signed duration in hours, minutes and seconds only: `-PT24H1.25S`.
    Span, SignedDuration,
    // ISO 8601 civil forms: `2026-03-01`, `2026-03-01T09:30:00`, `09:30:00`,
    // `2026-W09-7`.
    Date, DateTime, Time, ISOWeekDate,
}

#[cfg(test)]
mod tests {
    use crate::schema::Description;

    use super::*;

    #[test]
    fn jiff_types_describe_as_jiff_writes_them() {
        let d = Description::of::<(Timestamp, ZonedDateTime, Span, Date)>();
        assert_eq!(d.root().to_string(), "(String, String, String, String)");
        assert!(d.definitions().is_empty());
    }
}
