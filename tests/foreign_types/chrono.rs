//! chrono: dates and times are strings, `TimeDelta` is `(i64, i32)`.

use chrono::{
    DateTime, FixedOffset, Month, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc, Weekday,
};
use persist::Schema;
use serde::{Deserialize, Serialize};

use crate::support;

/// A struct with a field of every serde-enabled chrono type; `$extra` adds fields.
macro_rules! calendar {
    ($($extra:tt)*) => {
        #[derive(Serialize, Deserialize, Schema, PartialEq, Debug)]
        pub struct Calendar {
            pub utc: DateTime<Utc>,
            pub fixed: DateTime<FixedOffset>,
            pub date: NaiveDate,
            pub datetime: NaiveDateTime,
            pub time: NaiveTime,
            pub delta: TimeDelta,
            pub month: Month,
            pub weekday: Weekday,
            /// Years before 0 and past 9999 are written with a sign.
            pub extremes: Vec<NaiveDate>,
            pub maybe: Option<DateTime<Utc>>,
            $($extra)*
        }
    };
}

mod v1 {
    use super::*;
    calendar!();
}

mod v2 {
    use super::*;
    calendar!(
        #[serde(default)]
        pub note: String,
    );
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).expect("a valid date")
}

fn datetime() -> NaiveDateTime {
    date()
        .and_hms_nano_opt(9, 30, 5, 123_456_789)
        .expect("a valid time")
}

fn utc() -> DateTime<Utc> {
    datetime().and_utc()
}

fn fixed() -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(5 * 3600 + 30 * 60).expect("a valid offset");
    utc().with_timezone(&offset)
}

fn calendar() -> v1::Calendar {
    v1::Calendar {
        utc: utc(),
        fixed: fixed(),
        date: date(),
        datetime: datetime(),
        time: NaiveTime::from_hms_milli_opt(23, 59, 59, 1_500).expect("a leap second"),
        delta: TimeDelta::new(-86_401, 250_000_000).expect("an in-range delta"),
        month: Month::December,
        weekday: Weekday::Sun,
        extremes: vec![
            NaiveDate::MIN,
            NaiveDate::MAX,
            NaiveDate::from_ymd_opt(-1, 12, 31).expect("a valid date"),
        ],
        maybe: Some(DateTime::<Utc>::MIN_UTC),
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
    let utc: DateTime<Utc> = support::state_get(&value, "utc");
    assert_eq!(utc, value.utc);
    // `DateTime` compares instants: the offset must come back too.
    let fixed: DateTime<FixedOffset> = support::state_get(&value, "fixed");
    assert_eq!((fixed, fixed.offset()), (value.fixed, value.fixed.offset()));
    assert_eq!(
        support::state_get::<_, NaiveDate>(&value, "date"),
        value.date
    );
    assert_eq!(
        support::state_get::<_, NaiveDateTime>(&value, "datetime"),
        value.datetime
    );
    assert_eq!(
        support::state_get::<_, NaiveTime>(&value, "time"),
        value.time
    );
    assert_eq!(
        support::state_get::<_, TimeDelta>(&value, "delta"),
        value.delta
    );
    assert_eq!(support::state_get::<_, Month>(&value, "month"), value.month);
    assert_eq!(
        support::state_get::<_, Weekday>(&value, "weekday"),
        value.weekday
    );
    assert_eq!(
        support::state_get::<_, Vec<NaiveDate>>(&value, "extremes"),
        value.extremes
    );
    assert_eq!(
        support::state_get::<_, Option<DateTime<Utc>>>(&value, "maybe"),
        value.maybe
    );
    // What chrono writes, as the state holds it.
    assert_eq!(
        support::state_get::<_, String>(&value, "fixed"),
        "2026-03-01T15:00:05.123456789+05:30"
    );
    assert_eq!(
        support::state_get::<_, (i64, i32)>(&value, "delta"),
        (-86_401, 250_000_000)
    );
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = calendar();
    let new: v2::Calendar = support::load_as::<v1::Calendar, v2::Calendar>(&old).expect("resolves");
    let v1::Calendar {
        utc,
        fixed,
        date,
        datetime,
        time,
        delta,
        month,
        weekday,
        extremes,
        maybe,
    } = old;
    assert_eq!(
        new,
        v2::Calendar {
            utc,
            fixed,
            date,
            datetime,
            time,
            delta,
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
    // `Utc::now()` needs chrono's `now` feature, which persist does not turn on.
    support::round_trip(&utc());
    support::round_trip(&fixed());
    support::round_trip(&date());
    support::round_trip(&datetime());
    support::round_trip(&TimeDelta::MAX);
    support::round_trip(&TimeDelta::MIN);
    support::round_trip(&Month::February);
    support::round_trip(&vec![Weekday::Mon, Weekday::Sat]);
}

/// `Real`: what a program reads; `forged`: the same names and description, with
/// bytes chrono refuses.
mod real {
    use super::*;

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DateStamp {
        pub id: u32,
        pub date: NaiveDate,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct InstantStamp {
        pub id: u32,
        pub at: DateTime<Utc>,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DeltaStamp {
        pub id: u32,
        pub delta: TimeDelta,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DayStamp {
        pub id: u32,
        pub weekday: Weekday,
    }
}

mod forged {
    use super::*;

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DateStamp {
        pub id: u32,
        #[schema(as = NaiveDate)]
        pub date: String,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct InstantStamp {
        pub id: u32,
        #[schema(as = DateTime<Utc>)]
        pub at: String,
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DeltaStamp {
        pub id: u32,
        #[schema(as = TimeDelta)]
        pub delta: (i64, i32),
    }

    #[derive(Serialize, Deserialize, Schema, Debug)]
    pub struct DayStamp {
        pub id: u32,
        #[schema(as = Weekday)]
        pub weekday: String,
    }
}

#[test]
fn a_damaged_value_is_a_decode_error_naming_the_field() {
    let message = support::forged_decode_error::<_, real::DateStamp>(&forged::DateStamp {
        id: 1,
        date: "2026-13-45".into(),
    });
    support::assert_names(&message, "date", "input is out of range");

    let message = support::forged_decode_error::<_, real::InstantStamp>(&forged::InstantStamp {
        id: 2,
        at: "2026-03-01 noon".into(),
    });
    support::assert_names(&message, "at", "input contains invalid characters");

    let message = support::forged_decode_error::<_, real::DeltaStamp>(&forged::DeltaStamp {
        id: 3,
        delta: (i64::MAX, 0),
    });
    support::assert_names(&message, "delta", "TimeDelta out of bounds");

    let message = support::forged_decode_error::<_, real::DayStamp>(&forged::DayStamp {
        id: 4,
        weekday: "Caturday".into(),
    });
    support::assert_names(&message, "weekday", "short or long weekday names expected");
}

/// A field written through one of chrono's serde adapters, described with the
/// `#[schema(as = ..)]` the README's table gives for it.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Stamped {
    #[serde(with = "chrono::serde::ts_nanoseconds")]
    #[schema(as = i64)]
    at: DateTime<Utc>,
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[schema(as = Option<i64>)]
    done: Option<DateTime<Utc>>,
}

#[test]
fn serde_adapters_work_with_schema_as() {
    let stamped = Stamped {
        at: utc(),
        done: Some(DateTime::from_timestamp_millis(1_767_225_600_123).expect("in range")),
    };
    support::round_trip(&stamped);
    let nanos: i64 = support::state_get(&stamped, "at");
    assert_eq!(Some(nanos), utc().timestamp_nanos_opt());
    let millis: Option<i64> = support::state_get(&stamped, "done");
    assert_eq!(millis, Some(1_767_225_600_123));
    persist::check_schema(&stamped).expect("the description matches");
}
