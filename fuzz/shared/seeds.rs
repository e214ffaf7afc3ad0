//! The seed corpora: real files of the fuzz types, saved with each codec, and the
//! payloads cut from them, so that fuzzing starts from inputs every check accepts.

use persist::schema::Description;
use persist::{Compression, SaveOptions};

use super::envelope;
use super::types::{with_type, FuzzType, PerType, TYPE_COUNT};

/// A seed input: its file name in the corpus directory, and its bytes.
pub type Seed = (String, Vec<u8>);

/// The seeds of the target named `target` (see [`TARGETS`](super::targets::TARGETS)).
///
/// # Panics
///
/// On a name that is not a target's.
pub fn seeds(target: &str) -> Vec<Seed> {
    let files = (0..TYPE_COUNT).flat_map(|index| with_type(index, SampleFiles));
    match target {
        "inspect_bytes" | "from_bytes" | "load_state" => {
            files.map(|file| (file.name.clone(), file.bytes)).collect()
        }
        // load_any builds records only.
        "load_any" => files
            .filter(|file| file.is_record)
            .map(|file| (file.name.clone(), file.bytes))
            .collect(),
        "value_decode" => files
            .filter(|file| file.compression == Compression::None)
            .map(|file| {
                let (payload, _) = envelope::payload_of(&file.bytes);
                let input = [&[file.type_index], payload].concat();
                (format!("{}.payload", file.name), input)
            })
            .collect(),
        "lz4_payload" | "zstd_payload" => files
            .filter(|file| {
                file.compression
                    == if target == "lz4_payload" {
                        Compression::Lz4
                    } else {
                        Compression::Zstd
                    }
            })
            .map(|file| {
                let (payload, raw_len) = envelope::payload_of(&file.bytes);
                let raw_len = u32::try_from(raw_len).expect("a small sample");
                let input = [&[file.type_index], &raw_len.to_le_bytes()[..], payload].concat();
                (format!("{}.payload", file.name), input)
            })
            .collect(),
        #[cfg(all(
            feature = "chrono",
            feature = "uuid",
            feature = "rust_decimal",
            feature = "ndarray"
        ))]
        "foreign_fields" => SampleFiles
            .run::<super::types::Run>()
            .into_iter()
            .map(|file| (file.name, file.bytes))
            .collect(),
        other => panic!("no fuzz target is named {other}"),
    }
}

/// A sample value of a fuzz type, saved.
struct SampleFile {
    /// `{type}-{sample}.pickle`, with `.lz4` when compressed.
    name: String,
    /// Which fuzz type, as [`with_type`] numbers them.
    type_index: u8,
    /// Whether the type is a record, which `load_any` can build.
    is_record: bool,
    compression: Compression,
    bytes: Vec<u8>,
}

/// Every sample of a type, saved with each codec.
struct SampleFiles;

impl PerType for SampleFiles {
    type Output = Vec<SampleFile>;

    fn run<T: FuzzType>(self) -> Vec<SampleFile> {
        let type_name = std::any::type_name::<T>();
        let short_name = type_name.rsplit("::").next().unwrap_or(type_name);
        let type_index = (0..TYPE_COUNT)
            .position(|index| with_type(index, NameOf) == type_name)
            // A type `with_type` does not choose (the foreign_fields target's
            // `Run`) is never cut into the payload seeds, which need its index.
            .unwrap_or(usize::from(u8::MAX));
        let is_record = Description::of::<T>().root_record().is_some();
        let mut files = Vec::new();
        for (number, sample) in T::samples().iter().enumerate() {
            for (compression, extension) in [
                (Compression::None, "pickle"),
                (Compression::Lz4, "pickle.lz4"),
                (Compression::Zstd, "pickle.zst"),
            ] {
                let options = SaveOptions::new().compression(compression);
                files.push(SampleFile {
                    name: format!("{}-{number}.{extension}", short_name.to_lowercase()),
                    type_index: type_index as u8,
                    is_record,
                    compression,
                    bytes: persist::to_bytes_with(sample, &options).expect("a sample saves"),
                });
            }
        }
        files
    }
}

/// The Rust name of a fuzz type.
struct NameOf;

impl PerType for NameOf {
    type Output = &'static str;

    fn run<T: FuzzType>(self) -> &'static str {
        std::any::type_name::<T>()
    }
}
