//! [`Schema`] for the serde-enabled types of chrono 0.4 (read from chrono 0.4.45):
//! `src/datetime/serde.rs`, `src/naive/date/mod.rs` (module `serde`),
//! `src/naive/datetime/serde.rs`, `src/naive/time/serde.rs`, `src/time_delta.rs`
//! (module `serde`), `src/month.rs` (`month_serde`) and `src/weekday.rs`
//! (`weekday_serde`).
//!
//! chrono writes the same thing whatever the format: its dates and times are
//! strings (`collect_str`, read back with `deserialize_str`) and `TimeDelta` is the
//! tuple `(secs, nanos)`. The time zones (`Utc`, `FixedOffset`, `Local`), `Days`,
//! `Months`, `IsoWeek`, `NaiveWeek` and `WeekdaySet` have no serde impls, so they
//! are not described here; a `DateTime<Tz>` of any of them is.

use chrono::{DateTime, Month, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Weekday};

use crate::schema::{Builder, Node, Schema};

string! {
    // `collect_str` of the `Debug` form: `2026-03-01`, `-0001-12-31`, `+262142-12-31`.
    NaiveDate,
    // `collect_str` of the `Debug` form: `2026-03-01T09:30:00.000000001`.
    NaiveDateTime,
    // `collect_str` of the `Display` form: `09:30:00.500`, `23:59:60` (a leap second).
    NaiveTime,
    // `collect_str` of the full English name: `January`.
    Month,
    // `collect_str` of the `Display` form: `Mon`.
    Weekday,
}

impl<Tz: TimeZone> Schema for DateTime<Tz> {
    /// serde: `collect_str` of the RFC 3339 form with the offset
    /// (`2026-03-01T09:30:00+01:00`), for every time zone; chrono deserializes
    /// `DateTime<Utc>`, `DateTime<FixedOffset>` and `DateTime<Local>` from it with
    /// `deserialize_str`.
    fn describe(_: &mut Builder) -> Node {
        Node::String
    }
}

impl Schema for TimeDelta {
    /// serde: `<(i64, i32)>::serialize(&(secs, nanos))`, a tuple (also the type
    /// behind the alias `chrono::Duration`); read back with `<(i64, i32)>::deserialize`.
    fn describe(builder: &mut Builder) -> Node {
        <(i64, i32)>::describe(builder)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, Utc};

    use crate::schema::Description;

    use super::*;

    #[test]
    fn chrono_types_describe_as_chrono_writes_them() {
        let d = Description::of::<(
            DateTime<Utc>,
            DateTime<FixedOffset>,
            NaiveDate,
            NaiveDateTime,
            NaiveTime,
            TimeDelta,
            Month,
            Weekday,
        )>();
        assert_eq!(
            d.root().to_string(),
            "(String, String, String, String, String, (i64, i32), String, String)"
        );
        assert!(d.definitions().is_empty());
    }
}
