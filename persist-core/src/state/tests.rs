//! The paths of `RecState` edits: nested structs, sequences, maps, tuples, options
//! and enum variants, and the exact message of every `Error::State` they produce.

use std::collections::BTreeMap;
use std::fmt::Debug;

use serde::Serialize;

use super::RecState;
use crate::error::Error;
use crate::value::{to_value, Value};

#[derive(Serialize)]
struct Inner {
    a: u8,
    b: String,
}

#[derive(Serialize)]
enum Order {
    Market { qty: i64 },
    Limit { qty: i64, px: f64 },
    Cancel,
}

#[derive(Serialize)]
struct Pt(i32, i32);

#[derive(Serialize)]
struct Book {
    inner: Inner,
    xs: Vec<Inner>,
    empty: Vec<Inner>,
    maybe: Option<Inner>,
    none: Option<Inner>,
    orders: Vec<Order>,
    last: Order,
    by_sym: BTreeMap<String, Inner>,
    pair: (u8, String),
    pt: Pt,
}

fn inner(a: u8, b: &str) -> Inner {
    Inner { a, b: b.into() }
}

fn book() -> RecState {
    let book = Book {
        inner: inner(1, "one"),
        xs: vec![inner(2, "two"), inner(3, "three")],
        empty: vec![],
        maybe: Some(inner(4, "four")),
        none: None,
        orders: vec![
            Order::Market { qty: 1 },
            Order::Limit { qty: 2, px: 10.5 },
            Order::Cancel,
        ],
        last: Order::Market { qty: 9 },
        by_sym: [("AAPL", inner(5, "five")), ("IBM", inner(6, "six"))]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        pair: (7, "seven".into()),
        pt: Pt(8, -8),
    };
    RecState::new("Book", 1, to_value(&book).unwrap())
}

/// The message of an `Error::State`, which `result` must be.
#[track_caller]
fn state_message<T: Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(error @ Error::State { .. }) => error.to_string(),
        other => panic!("expected Error::State, got {other:?}"),
    }
}

#[test]
fn nested_struct_paths_edit_the_inner_struct() {
    let mut state = book();
    state.rename_field("inner.a", "alpha").unwrap();
    state
        .map_field("inner.alpha", |a: u8| u32::from(a) * 10)
        .unwrap();
    state.insert_field("inner.c", &true).unwrap();
    let removed = state.remove_field("inner.b").unwrap();
    assert_eq!(removed, [Value::String("one".into())]);
    assert_eq!(state.get::<u32>("inner.alpha").unwrap(), 10);
    assert!(state.get::<bool>("inner.c").unwrap());
    let Some(Value::Struct { fields, .. }) = state.value.field("inner") else {
        panic!("inner is a struct")
    };
    assert_eq!(
        *fields,
        crate::value::Fields::Named(vec![
            ("alpha".into(), Value::U32(10)),
            ("c".into(), Value::Bool(true)),
        ])
    );
}

#[test]
fn nested_struct_path_errors_name_the_concrete_place_once() {
    let mut state = book();
    assert_eq!(
        state_message(state.remove_field("inner.nope")),
        "at `inner.nope`: no such field in a struct `Inner`"
    );
    assert_eq!(
        state_message(state.rename_field("inner.nope", "x")),
        "at `inner.nope`: no such field in a struct `Inner`"
    );
    assert_eq!(
        state_message(state.map_field("inner.nope", |x: u8| x)),
        "at `inner.nope`: no such field in a struct `Inner`"
    );
    assert_eq!(
        state_message(state.get::<u8>("inner.nope")),
        "at `inner.nope`: no such field in a struct `Inner`"
    );
    // Missing on the way, not at the end.
    assert_eq!(
        state_message(state.rename_field("inner.nope.x", "y")),
        "at `inner.nope`: no such field in a struct `Inner`"
    );
    assert_eq!(
        state_message(state.rename_field("nope", "y")),
        "at `nope`: no such field in a struct `Book`"
    );
    assert_eq!(
        state_message(state.rename_field("inner.a", "b")),
        "at `inner.a`: cannot rename it: a field `b` exists already"
    );
    assert_eq!(
        state_message(state.rename_field("inner.a", "a.b")),
        "at `inner.a`: `a.b` is not a field name"
    );
    assert_eq!(
        state_message(state.insert_field("inner.a", &0u8)),
        "at `inner.a`: the field exists already"
    );
    assert_eq!(
        state_message(state.rename_field("inner.a.x", "y")),
        "at `inner.a.x`: the value holding it is a u8, not a struct"
    );
    assert_eq!(
        state_message(state.get::<u8>("inner.a.x")),
        "at `inner.a.x`: a u8 has no fields"
    );
    assert_eq!(
        state_message(state.get::<u8>("inner.b")),
        "at `inner.b`: invalid type: string \"one\", expected u8"
    );
    assert_eq!(
        state_message(state.map_field("inner.b", |x: u8| x)),
        "at `inner.b`: invalid type: string \"one\", expected u8"
    );
    assert_eq!(
        state_message(state.map_value("inner.b", |_| Err("refused".into()))),
        "at `inner.b`: refused"
    );
    // Nothing was changed by the failed edits.
    assert_eq!(state, book());
}

#[test]
fn sequence_paths_edit_every_element() {
    let mut state = book();
    state.rename_field("xs[].a", "n").unwrap();
    state.map_field("xs[].n", |n: u8| n + 100).unwrap();
    state.insert_field("xs[].flag", &false).unwrap();
    assert_eq!(state.get::<Vec<u8>>("xs[].n").unwrap(), [102, 103]);
    assert_eq!(state.get::<Vec<bool>>("xs[].flag").unwrap(), [false, false]);
    let removed = state.remove_field("xs[].b").unwrap();
    assert_eq!(
        removed,
        [Value::String("two".into()), Value::String("three".into())]
    );
    // `[]` at the end maps each element; on an empty sequence, edits reach nothing.
    state.map_value("xs[]", |_| Ok(Value::Unit)).unwrap();
    assert_eq!(state.get::<Vec<()>>("xs[]").unwrap(), [(), ()]);
    assert!(state.remove_field("empty[].a").unwrap().is_empty());
    assert_eq!(state.get::<Vec<u8>>("empty[].a").unwrap(), Vec::<u8>::new());
}

#[test]
fn sequence_path_errors_name_the_element() {
    let mut state = book();
    assert_eq!(
        state_message(state.remove_field("xs[].nope")),
        "at `xs[0].nope`: no such field in a struct `Inner`"
    );
    assert_eq!(
        state_message(state.insert_field("xs[].a", &0u8)),
        "at `xs[0].a`: the field exists already"
    );
    assert_eq!(
        state_message(state.map_value("xs[].a", |v| match v {
            Value::U8(3) => Err("three is out".into()),
            other => Ok(other),
        })),
        "at `xs[1].a`: three is out"
    );
    assert_eq!(state.get::<Vec<u8>>("xs[].a").unwrap(), [2, 3]);
    assert_eq!(
        state_message(state.rename_field("inner[].a", "x")),
        "at `inner[]`: expected a sequence or a map, found a struct `Inner`"
    );
    assert_eq!(
        state_message(state.get::<Vec<u8>>("inner[].a")),
        "at `inner[]`: expected a sequence or a map, found a struct `Inner`"
    );
    assert_eq!(
        state_message(state.rename_field("xs.a", "x")),
        "at `xs.a`: the value holding it is a sequence, not a struct (`[]` steps into each of its elements)"
    );
    assert_eq!(
        state_message(state.get::<u8>("xs.a")),
        "at `xs.a`: a sequence has no fields (`[]` steps into each of its elements)"
    );
    assert_eq!(
        state_message(state.rename_field("xs[]", "x")),
        "at `xs[]`: the path must end with a field name, as in `positions[].symbol`"
    );
    assert_eq!(
        state_message(state.get::<Vec<String>>("xs[].a")),
        "at `xs[].a`: at `[0]`: invalid type: integer `2`, expected a string"
    );
}

#[test]
fn variant_paths_choose_the_variant_and_other_variants_are_skipped() {
    let mut state = book();
    // Through `[]`, `get` and the edits reach the same places.
    assert_eq!(state.get::<Vec<f64>>("orders[]::Limit.px").unwrap(), [10.5]);
    assert_eq!(state.get::<Vec<f64>>("orders[].px").unwrap(), [10.5]);
    assert_eq!(state.get::<Vec<i64>>("orders[].qty").unwrap(), [1, 2]);
    assert_eq!(state.get::<Vec<i64>>("orders[]::Market.qty").unwrap(), [1]);

    state
        .map_field("orders[]::Limit.px", |px: f64| px * 2.0)
        .unwrap();
    state.rename_field("orders[].qty", "quantity").unwrap();
    state.insert_field("orders[]::Limit.tif", "day").unwrap();
    assert_eq!(state.get::<Vec<f64>>("orders[].px").unwrap(), [21.0]);
    assert_eq!(state.get::<Vec<i64>>("orders[].quantity").unwrap(), [1, 2]);
    assert_eq!(state.get::<Vec<String>>("orders[].tif").unwrap(), ["day"]);
    assert_eq!(
        state.remove_field("orders[].px").unwrap(),
        [Value::F64(21.0)]
    );
    assert_eq!(
        state.get::<Vec<f64>>("orders[].px").unwrap(),
        Vec::<f64>::new()
    );
}

#[test]
fn a_single_enum_value_of_another_variant_is_left_alone_by_edits() {
    let mut state = book();
    // `last` is a Market: edits of Limit's fields do nothing, as for a Market in
    // a sequence, so one migration works whatever variant a file holds.
    state.rename_field("last.px", "price").unwrap();
    assert!(state.remove_field("last::Limit.px").unwrap().is_empty());
    state.map_field("last::Limit.qty", |q: i64| q + 1).unwrap();
    assert_eq!(state, book());
    state.map_field("last::Market.qty", |q: i64| q + 1).unwrap();
    assert_eq!(state.get::<i64>("last.qty").unwrap(), 10);
}

#[test]
fn variant_path_errors() {
    let mut state = book();
    assert_eq!(
        state_message(state.insert_field("orders[].zzz", &1u8)),
        "at `orders[0].zzz`: the value holding it is the variant `Order::Market`: say which variant gets the field, as in `orders[]::Market.zzz`"
    );
    assert_eq!(
        state_message(state.rename_field("orders[]::Limit.nope", "x")),
        "at `orders[1]::Limit.nope`: no such field in the variant `Order::Limit`"
    );
    assert_eq!(
        state_message(state.get::<Vec<u8>>("orders[]::Limit.nope")),
        "at `orders[1]::Limit.nope`: no such field in the variant `Order::Limit`"
    );
    assert_eq!(
        state_message(state.rename_field("inner::Limit.px", "x")),
        "at `inner::Limit`: expected an enum value, found a struct `Inner`"
    );
    // Without `[]` a path names one value: when the data does not hold it, `get`
    // has nothing to return, and says why.
    assert_eq!(
        state_message(state.get::<f64>("last::Limit.px")),
        "at `last::Limit.px`: no value: `last` is the variant `Order::Market`, not `Limit`"
    );
    assert_eq!(
        state_message(state.get::<f64>("last.px")),
        "at `last.px`: no value: `last` is the variant `Order::Market`, which has no field `px`"
    );
    assert_eq!(
        state_message(state.get::<f64>("last::.px")),
        "at `last::.px`: `::` must be followed by a variant name"
    );
}

#[test]
fn a_root_enum_value_takes_variant_paths() {
    let mut state = RecState::new("Order", 1, to_value(&Order::Market { qty: 3 }).unwrap());
    assert_eq!(
        state_message(state.insert_field("zzz", &1u8)),
        "at `zzz`: the value holding it is the variant `Order::Market`: say which variant gets the field, as in `::Market.zzz`"
    );
    state.insert_field("::Market.zzz", &1u8).unwrap();
    assert_eq!(state.get::<u8>("zzz").unwrap(), 1);
    assert_eq!(
        state_message(state.get::<f64>("px")),
        "at `px`: no value: the value is the variant `Order::Market`, which has no field `px`"
    );
}

#[test]
fn options_are_looked_through_and_a_none_is_left_alone() {
    let mut state = book();
    state.rename_field("maybe.a", "n").unwrap();
    state.rename_field("none.a", "n").unwrap();
    state.insert_field("none.c", &1u8).unwrap();
    assert_eq!(state.get::<u8>("maybe.n").unwrap(), 4);
    // The option itself, at the end of a path, is what `get` and `map_value` see.
    assert_eq!(state.value.field("none"), Some(&Value::Option(None)));
    assert_eq!(state.get::<Option<u8>>("none").unwrap(), None);
    state
        .map_value("none", |v| match v {
            Value::Option(None) => Ok(Value::Option(Some(Box::new(Value::U8(0))))),
            other => Err(format!("not a None: {other:?}")),
        })
        .unwrap();
    assert_eq!(state.get::<Option<u8>>("none").unwrap(), Some(0));

    let state = book();
    assert_eq!(
        state_message(state.get::<u8>("none.a")),
        "at `none.a`: no value: `none` is None"
    );
}

#[test]
fn map_paths_edit_every_value() {
    let mut state = book();
    state.rename_field("by_sym[].a", "n").unwrap();
    state.map_field("by_sym[].n", |n: u8| n * 2).unwrap();
    assert_eq!(state.get::<Vec<u8>>("by_sym[].n").unwrap(), [10, 12]);
    assert_eq!(
        state_message(state.remove_field("by_sym[].nope")),
        "at `by_sym{AAPL}.nope`: no such field in a struct `Inner`"
    );
    assert_eq!(
        state_message(state.map_value("by_sym[].n", |v| match v {
            Value::U8(12) => Err("too many".into()),
            other => Ok(other),
        })),
        "at `by_sym{IBM}.n`: too many"
    );
}

#[test]
fn tuples_and_unnamed_fields_are_reached_by_index() {
    let mut state = book();
    assert_eq!(state.get::<String>("pair.1").unwrap(), "seven");
    state.map_field("pair.0", |n: u8| n + 1).unwrap();
    state.map_field("pt.1", |n: i32| -n).unwrap();
    assert_eq!(
        state.get::<(u8, String)>("pair").unwrap(),
        (8, "seven".into())
    );
    assert_eq!(state.get::<i32>("pt.1").unwrap(), 8);
    assert_eq!(
        state_message(state.rename_field("pt.0", "x")),
        "at `pt.0`: a struct `Pt` has no named fields; only named fields can be renamed, added or removed"
    );
    assert_eq!(
        state_message(state.get::<i32>("pt.2")),
        "at `pt.2`: no such field in a struct `Pt`"
    );
    assert_eq!(
        state_message(state.rename_field("pair.0", "x")),
        "at `pair.0`: the value holding it is a tuple, not a struct"
    );
}

#[test]
fn malformed_paths_are_refused_before_anything_changes() {
    let mut state = book();
    assert_eq!(
        state_message(state.rename_field("inner..a", "x")),
        "at `inner..a`: an empty step (`..`, or a `.` at an end)"
    );
    assert_eq!(
        state_message(state.get::<u8>("inner.")),
        "at `inner.`: an empty step (`..`, or a `.` at an end)"
    );
    assert_eq!(
        state_message(state.remove_field("xs[0].a")),
        "at `xs[0].a`: `xs[0]` is not a path step"
    );
    assert_eq!(
        state_message(state.insert_field("orders[]::Limit", &1u8)),
        "at `orders[]::Limit`: the path must end with a field name, as in `positions[].symbol`"
    );
    assert_eq!(state, book());
}
