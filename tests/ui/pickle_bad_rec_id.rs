use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "../x"]
struct Settings {
    threshold: f64,
}

fn main() {}
