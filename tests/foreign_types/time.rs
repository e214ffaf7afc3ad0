//! time: every type is numbers in postcard, a tuple of its components or one
//! integer.

use persist::Schema;
use serde::{Deserialize, Serialize};
use time::{
    Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, Timestamp, UtcDateTime,
    UtcOffset, Weekday,
};

use crate::support;

/// A struct with a field of every serde-enabled time type; `$extra` adds fields.
macro_rules! clock {
    ($($extra:tt)*) => {
        #[derive(Serialize, Deserialize, Schema, PartialEq, Debug)]
        pub struct Clock {
            pub offset_dt: OffsetDateTime,
            pub primitive: PrimitiveDateTime,
            pub utc_dt: UtcDateTime,
            pub date: Date,
            pub time: Time,
            pub duration: Duration,
            pub offset: UtcOffset,
            pub timestamp: Timestamp,
            pub month: Month,
            pub weekday: Weekday,
            /// The ends of the year range (±9999 without `large-dates`).
            pub extremes: Vec<Date>,
            pub maybe: Option<OffsetDateTime>,
            $($extra)*
        }
    };
}

mod v1 {
    use super::*;
    clock!();
}

mod v2 {
    use super::*;
    clock!(
        #[serde(default)]
        pub note: String,
    );
}

fn date() -> Date {
    Date::from_calendar_date(2026, Month::March, 1).expect("a valid date")
}

fn time() -> Time {
    Time::from_hms_nano(9, 30, 5, 123_456_789).expect("a valid time")
}

fn primitive() -> PrimitiveDateTime {
    PrimitiveDateTime::new(date(), time())
}

fn offset() -> UtcOffset {
    UtcOffset::from_hms(-9, -30, -15).expect("a valid offset")
}

fn offset_dt() -> OffsetDateTime {
    primitive().assume_offset(offset())
}

/// The widest offset time accepts.
fn max_offset() -> UtcOffset {
    UtcOffset::from_hms(25, 59, 59).expect("a valid offset")
}

fn timestamp() -> Timestamp {
    Timestamp::from_nanoseconds(-1_234_567_890_123_456_789).expect("an in-range timestamp")
}

fn clock() -> v1::Clock {
    v1::Clock {
        offset_dt: offset_dt(),
        primitive: primitive(),
        utc_dt: primitive().as_utc(),
        date: date(),
        time: time(),
        duration: Duration::new(-86_401, -250_000_000),
        offset: offset(),
        timestamp: timestamp(),
        month: Month::December,
        weekday: Weekday::Sunday,
        extremes: vec![Date::MIN, Date::MAX],
        maybe: Some(Date::MAX.with_time(Time::MAX).assume_offset(max_offset())),
    }
}

#[test]
fn every_type_round_trips() {
    support::round_trip(&clock());
    support::round_trip(&v1::Clock {
        maybe: None,
        extremes: Vec::new(),
        ..clock()
    });
}

#[test]
fn the_state_reads_each_field_back() {
    let value = clock();
    // `OffsetDateTime` compares instants: the offset must come back too.
    let offset_dt: OffsetDateTime = support::state_get(&value, "offset_dt");
    assert_eq!(
        (offset_dt, offset_dt.offset()),
        (value.offset_dt, value.offset_dt.offset())
    );
    assert_eq!(
        support::state_get::<_, PrimitiveDateTime>(&value, "primitive"),
        value.primitive
    );
    assert_eq!(
        support::state_get::<_, UtcDateTime>(&value, "utc_dt"),
        value.utc_dt
    );
    assert_eq!(support::state_get::<_, Date>(&value, "date"), value.date);
    assert_eq!(support::state_get::<_, Time>(&value, "time"), value.time);
    assert_eq!(
        support::state_get::<_, Duration>(&value, "duration"),
        value.duration
    );
    assert_eq!(
        support::state_get::<_, UtcOffset>(&value, "offset"),
        value.offset
    );
    assert_eq!(
        support::state_get::<_, Timestamp>(&value, "timestamp"),
        value.timestamp
    );
    assert_eq!(support::state_get::<_, Month>(&value, "month"), value.month);
    assert_eq!(
        support::state_get::<_, Weekday>(&value, "weekday"),
        value.weekday
    );
    assert_eq!(
        support::state_get::<_, Vec<Date>>(&value, "extremes"),
        value.extremes
    );
    assert_eq!(
        support::state_get::<_, Option<OffsetDateTime>>(&value, "maybe"),
        value.maybe
    );
    // What time writes, as the state holds it.
    assert_eq!(
        support::state_get::<_, (i32, u16, u8, u8, u8, u32, i8, i8, i8)>(&value, "offset_dt"),
        (2026, 60, 9, 30, 5, 123_456_789, -9, -30, -15)
    );
    assert_eq!(
        support::state_get::<_, (i64, i32)>(&value, "duration"),
        (-86_401, -250_000_000)
    );
    assert_eq!(
        support::state_get::<_, i128>(&value, "timestamp"),
        -1_234_567_890_123_456_789
    );
    assert_eq!(support::state_get::<_, u8>(&value, "weekday"), 7);
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = clock();
    let new: v2::Clock = support::load_as::<v1::Clock, v2::Clock>(&old).expect("resolves");
    let v1::Clock {
        offset_dt,
        primitive,
        utc_dt,
        date,
        time,
        duration,
        offset,
        timestamp,
        month,
        weekday,
        extremes,
        maybe,
    } = old;
    assert_eq!(
        new,
        v2::Clock {
            offset_dt,
            primitive,
            utc_dt,
            date,
            time,
            duration,
            offset,
            timestamp,
            month,
            weekday,
            extremes,
            maybe,
            note: String::new(),
        }
    );
}

#[test]
fn top_level_values_round_trip() {
    // `OffsetDateTime::now_utc()` needs time's `std` feature, which persist does
    // not turn on.
    support::round_trip(&offset_dt());
    support::round_trip(&primitive());
    support::round_trip(&date());
    support::round_trip(&time());
    support::round_trip(&Duration::MAX);
    support::round_trip(&Duration::MIN);
    support::round_trip(&max_offset());
    support::round_trip(&timestamp());
    support::round_trip(&Month::February);
    support::round_trip(&vec![Weekday::Monday, Weekday::Saturday]);
}

/// `real`: what a program reads; `forged`: the same names and description, with
/// numbers time refuses.
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
        pub at: OffsetDateTime,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DurationStamp {
        pub id: u32,
        pub duration: Duration,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct MonthStamp {
        pub id: u32,
        pub month: Month,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct TimestampStamp {
        pub id: u32,
        pub timestamp: Timestamp,
    }
}

mod forged {
    use super::*;

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DateStamp {
        pub id: u32,
        #[schema(as = Date)]
        pub date: (i32, u16),
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct InstantStamp {
        pub id: u32,
        #[schema(as = OffsetDateTime)]
        pub at: (i32, u16, u8, u8, u8, u32, i8, i8, i8),
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DurationStamp {
        pub id: u32,
        #[schema(as = Duration)]
        pub duration: (i64, i32),
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct MonthStamp {
        pub id: u32,
        #[schema(as = Month)]
        pub month: u8,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct TimestampStamp {
        pub id: u32,
        #[schema(as = Timestamp)]
        pub timestamp: i128,
    }
}

#[test]
fn a_damaged_value_is_a_decode_error_naming_the_field() {
    let message = support::forged_decode_error::<_, real::DateStamp>(&forged::DateStamp {
        id: 1,
        date: (2026, 400),
    });
    support::assert_names(
        &message,
        "date",
        "invalid ordinal, expected an in-range value",
    );

    let message = support::forged_decode_error::<_, real::InstantStamp>(&forged::InstantStamp {
        id: 2,
        at: (2026, 60, 24, 0, 0, 0, 0, 0, 0),
    });
    support::assert_names(&message, "at", "invalid hour, expected an in-range value");

    let message = support::forged_decode_error::<_, real::DurationStamp>(&forged::DurationStamp {
        id: 3,
        duration: (0, 1_000_000_000),
    });
    // deranged's message: "in the range MIN..=MAX" with its `alloc` feature.
    support::assert_names(
        &message,
        "duration[1]",
        "invalid value: integer, expected an integer in the",
    );

    let message = support::forged_decode_error::<_, real::MonthStamp>(&forged::MonthStamp {
        id: 4,
        month: 13,
    });
    support::assert_names(&message, "month", "expected a value in the range 1..=12");

    let message =
        support::forged_decode_error::<_, real::TimestampStamp>(&forged::TimestampStamp {
            id: 5,
            timestamp: i128::MAX,
        });
    support::assert_names(&message, "timestamp", "expected an in-range value");
}
