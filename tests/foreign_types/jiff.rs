//! jiff: every type is a string (its `Display` form), in every format.

use jiff::civil::{self, Date, DateTime, ISOWeekDate, Time};
use jiff::tz::{self, TimeZone};
use jiff::{SignedDuration, Span, Timestamp, ZonedDateTime};
use persist::Schema;
use serde::{Deserialize, Serialize};

use crate::support;

/// A struct with a field of every serde-enabled jiff type; `$extra` adds fields.
///
/// `Span` has no `PartialEq` (jiff compares spans field by field only on request),
/// so the struct's is written by hand: spans compare with `fieldwise`, zoned
/// datetimes by instant and by offset.
macro_rules! calendar {
    ($($extra:ident: $ty:ty),*) => {
        #[derive(Serialize, Deserialize, Schema, Debug)]
        pub struct Calendar {
            pub timestamp: Timestamp,
            pub zoned: ZonedDateTime,
            pub date: Date,
            pub datetime: DateTime,
            pub time: Time,
            pub week_date: ISOWeekDate,
            pub span: Span,
            pub duration: SignedDuration,
            pub extremes: Vec<Timestamp>,
            pub maybe: Option<Span>,
            $(#[serde(default)] pub $extra: $ty,)*
        }

        impl PartialEq for Calendar {
            fn eq(&self, other: &Self) -> bool {
                self.timestamp == other.timestamp
                    && (&self.zoned, self.zoned.offset()) == (&other.zoned, other.zoned.offset())
                    && self.date == other.date
                    && self.datetime == other.datetime
                    && self.time == other.time
                    && self.week_date == other.week_date
                    && self.span.fieldwise() == other.span
                    && self.duration == other.duration
                    && self.extremes == other.extremes
                    && self.maybe.map(Span::fieldwise) == other.maybe.map(Span::fieldwise)
                    $(&& self.$extra == other.$extra)*
            }
        }
    };
}

mod v1 {
    use super::*;
    calendar!();
}

mod v2 {
    use super::*;
    calendar!(note: String);
}

fn datetime() -> DateTime {
    civil::datetime(2026, 3, 1, 9, 30, 5, 123_456_789)
}

/// A zoned datetime in a fixed-offset zone: persist turns on no time zone
/// database of jiff's, and one is needed to read back a name such as
/// `[Europe/Paris]`.
fn zoned() -> ZonedDateTime {
    datetime()
        .to_zoned_datetime(TimeZone::fixed(tz::offset(-9)))
        .expect("a valid zoned datetime")
}

fn span() -> Span {
    Span::new()
        .years(1)
        .months(2)
        .weeks(3)
        .days(4)
        .hours(5)
        .minutes(6)
        .seconds(7)
        .milliseconds(8)
        .nanoseconds(9)
}

fn calendar() -> v1::Calendar {
    let date = datetime().date();
    v1::Calendar {
        timestamp: zoned().timestamp(),
        zoned: zoned(),
        date,
        datetime: datetime(),
        time: datetime().time(),
        week_date: date.iso_week_date(),
        span: span(),
        duration: SignedDuration::new(-86_401, -250_000_000),
        extremes: vec![Timestamp::MIN, Timestamp::MAX],
        maybe: Some(Span::new().days(-3)),
    }
}

#[test]
fn every_type_round_trips() {
    support::round_trip(&calendar());
    support::round_trip(&v1::Calendar {
        maybe: None,
        extremes: Vec::new(),
        ..calendar()
    });
}

#[test]
fn the_state_reads_each_field_back() {
    let value = calendar();
    assert_eq!(
        support::state_get::<_, Timestamp>(&value, "timestamp"),
        value.timestamp
    );
    let zoned: ZonedDateTime = support::state_get(&value, "zoned");
    assert_eq!(
        (&zoned, zoned.offset()),
        (&value.zoned, value.zoned.offset())
    );
    assert_eq!(support::state_get::<_, Date>(&value, "date"), value.date);
    assert_eq!(
        support::state_get::<_, DateTime>(&value, "datetime"),
        value.datetime
    );
    assert_eq!(support::state_get::<_, Time>(&value, "time"), value.time);
    assert_eq!(
        support::state_get::<_, ISOWeekDate>(&value, "week_date"),
        value.week_date
    );
    assert_eq!(
        support::state_get::<_, Span>(&value, "span").fieldwise(),
        value.span
    );
    assert_eq!(
        support::state_get::<_, SignedDuration>(&value, "duration"),
        value.duration
    );
    assert_eq!(
        support::state_get::<_, Vec<Timestamp>>(&value, "extremes"),
        value.extremes
    );
    assert_eq!(
        support::state_get::<_, Option<Span>>(&value, "maybe").map(Span::fieldwise),
        value.maybe.map(Span::fieldwise)
    );
    // What jiff writes, as the state holds it.
    assert_eq!(
        support::state_get::<_, String>(&value, "zoned"),
        "2026-03-01T09:30:05.123456789-09:00[-09:00]"
    );
    assert_eq!(
        support::state_get::<_, String>(&value, "week_date"),
        "2026-W09-7"
    );
    assert_eq!(
        support::state_get::<_, String>(&value, "span"),
        "P1Y2M3W4DT5H6M7.008000009S"
    );
    assert_eq!(
        support::state_get::<_, String>(&value, "duration"),
        "-PT24H1.25S"
    );
    assert_eq!(
        support::state_get::<_, String>(&value, "timestamp"),
        "2026-03-01T18:30:05.123456789Z"
    );
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = calendar();
    let new: v2::Calendar = support::load_as::<v1::Calendar, v2::Calendar>(&old).expect("resolves");
    let v1::Calendar {
        timestamp,
        zoned,
        date,
        datetime,
        time,
        week_date,
        span,
        duration,
        extremes,
        maybe,
    } = old;
    assert_eq!(
        new,
        v2::Calendar {
            timestamp,
            zoned,
            date,
            datetime,
            time,
            week_date,
            span,
            duration,
            extremes,
            maybe,
            note: String::new(),
        }
    );
}

#[test]
fn top_level_values_round_trip() {
    support::round_trip(&Timestamp::now());
    support::round_trip(&zoned());
    support::round_trip(&datetime());
    support::round_trip(&Date::MIN);
    support::round_trip(&Time::MAX);
    support::round_trip(&SignedDuration::MIN);
    support::round_trip(&ISOWeekDate::MAX);
}

/// `real`: what a program reads; `forged`: the same names and description, with
/// strings jiff refuses.
mod real {
    use super::*;

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DateStamp {
        pub id: u32,
        pub date: Date,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct InstantStamp {
        pub id: u32,
        pub at: Timestamp,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct SpanStamp {
        pub id: u32,
        pub span: Span,
    }
}

mod forged {
    use super::*;

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DateStamp {
        pub id: u32,
        #[schema(as = Date)]
        pub date: String,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct InstantStamp {
        pub id: u32,
        #[schema(as = Timestamp)]
        pub at: String,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct SpanStamp {
        pub id: u32,
        #[schema(as = Span)]
        pub span: String,
    }
}

#[test]
fn a_damaged_value_is_a_decode_error_naming_the_field() {
    let message = support::forged_decode_error::<_, real::DateStamp>(&forged::DateStamp {
        id: 1,
        date: "2026-13-45".into(),
    });
    support::assert_names(
        &message,
        "date",
        "parameter 'month' is not in the required range of 1..=12",
    );

    let message = support::forged_decode_error::<_, real::InstantStamp>(&forged::InstantStamp {
        id: 2,
        at: "2026-03-01T09:30:05".into(),
    });
    support::assert_names(&message, "at", "failed to find offset component");

    let message = support::forged_decode_error::<_, real::SpanStamp>(&forged::SpanStamp {
        id: 3,
        span: "P1Q".into(),
    });
    support::assert_names(&message, "span", "unit designator suffix");
}
