//! Decoding a post's bytes: the UTF-8, forbidden-character and mojibake checks must never
//! panic, and a lossless repair must leave text the detector accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirebook::encoding;

fuzz_target!(|bytes: &[u8]| {
    let _ = encoding::decode_source(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        if encoding::find_mojibake(text).is_some() {
            if let Some(fixed) = encoding::repair(text) {
                assert!(
                    encoding::find_mojibake(&fixed).is_none(),
                    "repair left mojibake: {fixed:?}"
                );
            }
        }
    }
});
