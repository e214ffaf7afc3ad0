//! `save()` and `load()` work in the current directory. Alone in its test binary:
//! changing the working directory would race with other tests in the same process.

use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Settings {
    threshold: f64,
}

#[test]
fn save_and_load_use_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_current_dir(dir.path()).unwrap();

    let path = Settings { threshold: 1.5 }.save().unwrap();
    assert_eq!(path, std::path::Path::new("./Settings.pickle"));
    assert!(dir.path().join("Settings.pickle").is_file());
    assert_eq!(Settings::load().unwrap(), Settings { threshold: 1.5 });
}
