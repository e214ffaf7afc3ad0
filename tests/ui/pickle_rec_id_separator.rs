use persist::Pickleable;
use serde::{Deserialize, Serialize};

// A path separator, either one, would put the file in another directory.
#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "settings/current"]
struct Settings {
    threshold: f64,
}

#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "settings\\current"]
struct Limits {
    ceiling: f64,
}

fn main() {}
