use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "Settings"]
struct SettingsV1 {
    threshold: f32,
}

// No `From<SettingsV1>` (or `TryFrom`) for Settings.
#[derive(Serialize, Deserialize, Pickleable)]
#[pickle(version = 2, from = SettingsV1)]
struct Settings {
    threshold: f64,
}

fn main() {}
