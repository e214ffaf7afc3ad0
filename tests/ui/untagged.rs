use persist::Schema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Schema)]
#[serde(untagged)]
enum Value {
    Number(f64),
    Text(String),
}

fn main() {}
