//! docs/FORMAT.md shows an annotated hex dump of a real file. This test writes the same
//! file and fails when the dump in the doc and the writer's bytes drift apart.
//!
//! After an intended format change, regenerate the dump with
//! `PERSIST_BLESS=1 cargo test --test format_doc` and review the diff of FORMAT.md.

use std::fmt::Write as _;
use std::path::Path;

use persist::Schema;
use serde::{Deserialize, Serialize};

/// The value the doc's example file holds.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Tick {
    symbol: String,
    price: f64,
    size: u32,
}

fn example() -> Tick {
    Tick {
        symbol: "AAPL".into(),
        price: 189.25,
        size: 100,
    }
}

const BEGIN: &str = "<!-- dump:begin -->";
const END: &str = "<!-- dump:end -->";

/// The regions of the file, each with its label, in order.
fn regions(bytes: &[u8]) -> Vec<(usize, usize, String)> {
    let info = persist::inspect_bytes(bytes).expect("the example file is valid");
    let rec_id_len = info.rec_id.len();
    let header_len = info.header_len as usize;
    let schema_len = header_len - 48 - rec_id_len - 8;
    let payload_len = info.payload_len as usize;
    let mut at = 0;
    let mut out = Vec::new();
    let mut region = |len: usize, label: String| {
        out.push((at, len, label));
        at += len;
    };
    region(8, "magic: \\x89 P E R S I S T".into());
    region(2, format!("format version: {}", info.format_version));
    region(
        1,
        format!(
            "codec id: {} ({:?})",
            info.compression.id(),
            info.compression
        ),
    );
    region(1, "flags: none".into());
    region(4, format!("type VERSION: {}", info.version));
    region(8, format!("schema fingerprint: {:#018x}", info.fingerprint));
    region(4, format!("REC_ID length: {rec_id_len}"));
    region(4, format!("schema length: {schema_len}"));
    region(8, format!("payload length as stored: {payload_len}"));
    region(
        8,
        format!("payload length uncompressed: {}", info.uncompressed_len),
    );
    region(rec_id_len, format!("REC_ID: {:?}", info.rec_id));
    region(
        schema_len,
        "schema (canonical encoding, decoded below)".into(),
    );
    region(
        8,
        "header checksum: xxh3-64 of bytes 0x00..".to_string()
            + &format!("{:#04x}", header_len - 8),
    );
    region(payload_len, "payload (postcard, decoded below)".into());
    region(8, "payload checksum: xxh3-64 of the payload".into());
    assert_eq!(at, bytes.len(), "the regions cover the whole file");
    out
}

/// A hex dump with one or more lines per region: offset, up to 8 bytes, label.
fn annotated_dump(bytes: &[u8]) -> String {
    let mut dump = String::from("```text\n");
    for (start, len, label) in regions(bytes) {
        for (i, chunk) in bytes[start..start + len].chunks(8).enumerate() {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let label = if i == 0 { label.as_str() } else { "" };
            let line = format!("{:08x}  {:<23}  {label}", start + i * 8, hex.join(" "));
            writeln!(dump, "{}", line.trim_end()).unwrap();
        }
    }
    dump.push_str("```");
    dump
}

#[test]
fn the_dump_in_format_md_matches_the_writer() {
    let bytes = persist::to_bytes(&example()).unwrap();
    assert_eq!(persist::from_bytes::<Tick>(&bytes).unwrap(), example());
    let expected = annotated_dump(&bytes);

    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/FORMAT.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/FORMAT.md exists");
    let begin = doc.find(BEGIN).expect("FORMAT.md has a dump:begin marker") + BEGIN.len();
    let end = doc.find(END).expect("FORMAT.md has a dump:end marker");
    let in_doc = doc[begin..end].trim();

    if in_doc != expected {
        if std::env::var_os("PERSIST_BLESS").is_some() {
            let updated = format!("{}\n{expected}\n{}", &doc[..begin], &doc[end..]);
            std::fs::write(&doc_path, updated).unwrap();
            return;
        }
        panic!(
            "docs/FORMAT.md's dump differs from what the writer produces.\n\
             If the format change is intended, run PERSIST_BLESS=1 cargo test --test format_doc.\n\
             The writer produces:\n{expected}"
        );
    }
}
