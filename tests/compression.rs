//! Which codec a save uses, and that a load reads the codec from the file, not its name.

use std::fs;

use persist::{Compression, Error, SaveOptions};

fn sample() -> Vec<String> {
    (0..500)
        .map(|i| format!("row {} of a repetitive table", i % 10))
        .collect()
}

#[test]
fn the_extension_implies_lz4_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.pickle.lz4", "b.LZ4", "c.pickle.Lz4"] {
        let path = dir.path().join(name);
        persist::save(&sample(), &path).unwrap();
        assert_eq!(
            persist::inspect(&path).unwrap().compression,
            Compression::Lz4,
            "{name}"
        );
        assert_eq!(persist::load::<Vec<String>>(&path).unwrap(), sample());
    }
}

#[test]
fn without_option_or_extension_nothing_is_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.pickle");
    persist::save(&sample(), &path).unwrap();
    let info = persist::inspect(&path).unwrap();
    assert_eq!(info.compression, Compression::None);
    assert_eq!(info.payload_len, info.uncompressed_len);
}

#[test]
fn an_explicit_option_wins_over_a_neutral_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.pickle");
    persist::save_with(
        &sample(),
        &path,
        &SaveOptions::new().compression(Compression::Lz4),
    )
    .unwrap();
    let info = persist::inspect(&path).unwrap();
    assert_eq!(info.compression, Compression::Lz4);
    assert!(info.payload_len * 4 < info.uncompressed_len, "{info}");
    assert_eq!(persist::load::<Vec<String>>(&path).unwrap(), sample());
}

#[test]
fn an_explicit_option_that_agrees_with_the_extension_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.lz4");
    persist::save_with(
        &sample(),
        &path,
        &SaveOptions::new().compression(Compression::Lz4),
    )
    .unwrap();
    assert_eq!(
        persist::inspect(&path).unwrap().compression,
        Compression::Lz4
    );
}

#[test]
fn an_explicit_option_that_contradicts_the_extension_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.pickle.lz4");
    persist::save(&1u8, &path).unwrap();
    let before = fs::read(&path).unwrap();
    let err = persist::save_with(
        &2u8,
        &path,
        &SaveOptions::new().compression(Compression::None),
    )
    .unwrap_err();
    assert!(matches!(err, Error::CompressionConflict { .. }), "{err:?}");
    assert!(err.to_string().contains("cache.pickle.lz4"), "{err}");
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "the old file is untouched"
    );
}

#[test]
fn a_renamed_lz4_file_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    let compressed = dir.path().join("cache.pickle.lz4");
    persist::save(&sample(), &compressed).unwrap();
    let renamed = dir.path().join("cache.pickle");
    fs::rename(&compressed, &renamed).unwrap();
    assert_eq!(persist::load::<Vec<String>>(&renamed).unwrap(), sample());
    assert_eq!(
        persist::inspect(&renamed).unwrap().compression,
        Compression::Lz4
    );

    // And the other way round: an uncompressed file named `.lz4`.
    let plain = dir.path().join("plain.pickle");
    persist::save(&sample(), &plain).unwrap();
    let misnamed = dir.path().join("plain.pickle.lz4");
    fs::rename(&plain, &misnamed).unwrap();
    assert_eq!(persist::load::<Vec<String>>(&misnamed).unwrap(), sample());
}

#[test]
fn in_memory_bytes_take_the_codec_from_the_options() {
    let plain = persist::to_bytes(&sample()).unwrap();
    let packed =
        persist::to_bytes_with(&sample(), &SaveOptions::new().compression(Compression::Lz4))
            .unwrap();
    assert!(packed.len() < plain.len() / 4);
    assert_eq!(
        persist::from_bytes::<Vec<String>>(&packed).unwrap(),
        sample()
    );
    assert_eq!(
        persist::from_bytes::<Vec<String>>(&plain).unwrap(),
        sample()
    );
}

#[test]
fn a_compression_persist_does_not_write_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "a.pickle.gz",
        "b.pickle.GZ",
        "c.bz2",
        "d.pickle.xz",
        "e.lzma",
        "f.pickle.blosc",
        "g.snappy",
        "h.pickle.br",
    ] {
        let path = dir.path().join(name);
        let err = persist::save(&vec![1u32, 2, 3], &path).unwrap_err();
        let extension = name.rsplit('.').next().unwrap();
        match &err {
            Error::UnsupportedCompression {
                extension: got,
                supported,
                ..
            } => {
                assert_eq!(got, extension);
                assert_eq!(supported, "`.lz4` or `.zst`");
            }
            other => panic!("{name}: expected UnsupportedCompression, got {other:?}"),
        }
        assert!(err.to_string().contains(name), "{err}");
        assert!(!path.exists(), "{name} was written");
        // An explicit codec does not make the name honest either.
        let options = SaveOptions::new().compression(Compression::Lz4);
        assert!(persist::save_with(&1u8, &path, &options).is_err());
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn zstd_by_extension_in_any_case_and_by_option() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.pickle.zst", "b.ZST", "c.pickle.zstd", "d.pickle.Zstd"] {
        let path = dir.path().join(name);
        persist::save(&sample(), &path).unwrap();
        assert_eq!(
            persist::inspect(&path).unwrap().compression,
            Compression::Zstd,
            "{name}"
        );
        assert_eq!(persist::load::<Vec<String>>(&path).unwrap(), sample());
    }
    let path = dir.path().join("by_option.pickle");
    let options = SaveOptions::new().compression(Compression::Zstd);
    persist::save_with(&sample(), &path, &options).unwrap();
    assert_eq!(
        persist::inspect(&path).unwrap().compression,
        Compression::Zstd
    );
    // A renamed file still loads: the codec is read from the header.
    let renamed = dir.path().join("renamed.pickle.lz4");
    fs::rename(&path, &renamed).unwrap();
    assert_eq!(persist::load::<Vec<String>>(&renamed).unwrap(), sample());
}

#[test]
fn zstd_compresses_better_than_lz4_and_levels_trade_time_for_size() {
    // Numbers with a little noise: what lz4 hardly shrinks.
    let prices: Vec<f64> = (0..200_000u64)
        .map(|i| 100.0 + ((i * 2_654_435_761) % 1000) as f64 / 100.0)
        .collect();
    let size = |options: SaveOptions| persist::to_bytes_with(&prices, &options).unwrap().len();
    let lz4 = size(SaveOptions::new().compression(Compression::Lz4));
    let zstd = size(SaveOptions::new().compression(Compression::Zstd));
    let zstd_19 = size(
        SaveOptions::new()
            .compression(Compression::Zstd)
            .compression_level(19),
    );
    assert!(zstd < lz4, "zstd {zstd} bytes, lz4 {lz4}");
    assert!(zstd_19 <= zstd, "level 19 {zstd_19} bytes, level 3 {zstd}");
    let bytes = persist::to_bytes_with(
        &prices,
        &SaveOptions::new()
            .compression(Compression::Zstd)
            .compression_level(-5),
    )
    .unwrap();
    assert_eq!(persist::from_bytes::<Vec<f64>>(&bytes).unwrap(), prices);
}

#[test]
fn a_level_the_codec_does_not_have_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.pickle.zst");
    for level in [0, 23, 1000, -1_000_000] {
        let options = SaveOptions::new().compression_level(level);
        let err = persist::save_with(&1u8, &path, &options).unwrap_err();
        assert!(
            matches!(
                err,
                Error::CompressionLevel {
                    compression: Compression::Zstd,
                    ..
                }
            ),
            "{level}: {err:?}"
        );
        assert!(err.to_string().contains("zstd levels run from"), "{err}");
    }
    let lz4 = dir.path().join("x.pickle.lz4");
    let err = persist::save_with(&1u8, &lz4, &SaveOptions::new().compression_level(9)).unwrap_err();
    assert!(
        err.to_string().contains("lz4 compression has no levels"),
        "{err}"
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}
