use persist::Schema;
use serde::{Deserialize, Serialize};

// Both refusals are reported in one compilation.
#[derive(Serialize, Deserialize, Schema)]
#[serde(tag = "type")]
enum Shape {
    Circle {
        radius: f64,
        #[serde(skip_serializing)]
        area: f64,
    },
}

fn main() {}
