use persist::Pickleable;
use serde::{Deserialize, Serialize};

// Twice in one attribute, and again in another: both duplicates are reported.
#[derive(Serialize, Deserialize, Pickleable)]
#[pickle(version = 2, version = 3)]
#[pickle(version = 4)]
struct Settings {
    threshold: f64,
}

fn main() {}
