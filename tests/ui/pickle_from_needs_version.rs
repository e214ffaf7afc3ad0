use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "Settings"]
struct SettingsV1 {
    threshold: f32,
}

// The version defaults to 1, so there is no older version to come from.
#[derive(Serialize, Deserialize, Pickleable)]
#[pickle(from = SettingsV1)]
struct Settings {
    threshold: f64,
}

fn main() {}
