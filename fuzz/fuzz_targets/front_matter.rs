//! Front matter: splitting a post and reading its fields must never panic, and every error
//! must point at a line inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirebook::content::front_matter;

fuzz_target!(|text: &str| {
    let lines = text.lines().count().max(1) + 1;
    let split = match front_matter::split(text) {
        Ok(split) => split,
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines, "{e:?}");
            return;
        }
    };
    assert!(split.body_line >= 1 && split.body_line <= lines + 1);
    match front_matter::parse(&split) {
        Ok((_, warnings)) => warnings.iter().for_each(|w| assert!(w.line >= 1, "{w:?}")),
        Err(errors) => {
            assert!(!errors.is_empty());
            errors.iter().for_each(|e| assert!(e.line >= 1, "{e:?}"));
        }
    }
});
