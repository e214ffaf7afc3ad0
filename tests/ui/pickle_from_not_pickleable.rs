use persist::Pickleable;
use serde::{Deserialize, Serialize};

// The older link is a plain serde type, not a record.
#[derive(Serialize, Deserialize)]
struct SettingsV1 {
    threshold: f32,
}

#[derive(Serialize, Deserialize, Pickleable)]
#[pickle(version = 2, from = SettingsV1)]
struct Settings {
    threshold: f64,
}

impl From<SettingsV1> for Settings {
    fn from(old: SettingsV1) -> Self {
        Settings { threshold: old.threshold.into() }
    }
}

fn main() {}
