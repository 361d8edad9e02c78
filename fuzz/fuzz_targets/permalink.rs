//! Permalink expansion and containment: any pattern and any slug, name or category expands
//! without panicking, and a contained path never climbs out of the output folder.
#![no_main]

use chrono::TimeZone as _;
use libfuzzer_sys::fuzz_target;
use wirebook::content::page::contain_url_path;
use wirebook::content::permalink::{expand_permalink, UrlParts};

fuzz_target!(|input: (&str, &str, &str, Vec<String>, i64)| {
    let (pattern, slug, name, categories, seconds) = input;
    let Some(date) = chrono::Utc
        .timestamp_opt(seconds % 253_402_300_799, 0)
        .single()
        .map(|d| d.fixed_offset())
    else {
        return;
    };
    let url = expand_permalink(
        pattern,
        &UrlParts {
            date: &date,
            slug,
            name,
            categories: &categories,
        },
    );
    if let Ok(path) = contain_url_path(&url) {
        assert!(path.starts_with('/'), "{path:?}");
        let file = wirebook::content::page::output_file_for(&path);
        assert!(
            std::path::Path::new(&file)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{url:?} → {file:?} leaves the output"
        );
    }
});
