use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = Settings]
struct Settings {
    threshold: f64,
}

fn main() {}
