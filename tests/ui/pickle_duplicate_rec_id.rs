use persist::Pickleable;
use serde::{Deserialize, Serialize};

// A record has one id: the second `#[rec_id]` is reported at its name.
#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "Settings"]
#[rec_id = "Config"]
struct Settings {
    threshold: f64,
}

fn main() {}
