use persist::Schema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Schema)]
#[serde(tag = "kind")]
enum Message {
    Ping { id: u32 },
    Pong { id: u32 },
}

fn main() {}
