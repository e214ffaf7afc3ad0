use persist::Pickleable;
use serde::{Deserialize, Serialize};

// No `#[rec_id = "Settings"]`: this type's REC_ID is "SettingsV1".
#[derive(Serialize, Deserialize, Pickleable)]
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
