use persist::Schema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Schema)]
enum State {
    Idle,
    #[serde(skip)]
    Internal(u32),
    Running {
        pid: u32,
    },
}

fn main() {}
