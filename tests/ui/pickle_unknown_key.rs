use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable)]
#[pickle(verison = 2)]
struct Settings {
    threshold: f64,
}

fn main() {}
