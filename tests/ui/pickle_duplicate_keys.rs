use persist::schema::{Builder, Node};
use persist::{Pickleable, Schema};
use serde::{Deserialize, Serialize};

// Every key given twice is reported at its second occurrence, whether both are in
// one attribute or in two.
#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "Settings"]
#[pickle(version = 3, from = SettingsV2, from = SettingsV1)]
#[pickle(aliases = ["Config"])]
#[pickle(aliases = ["Options"])]
struct Settings {
    threshold: f64,
}

#[derive(Serialize, Deserialize, Pickleable)]
#[pickle(manual_schema, version = 2)]
#[pickle(manual_schema)]
struct Cents(i64);

impl Schema for Cents {
    fn describe(builder: &mut Builder) -> Node {
        i64::describe(builder)
    }
}

fn main() {}
