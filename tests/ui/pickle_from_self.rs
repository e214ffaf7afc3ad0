use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable)]
#[pickle(version = 2, from = Self)]
struct Settings {
    threshold: f64,
}

fn main() {}
