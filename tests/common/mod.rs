//! A fixture site in a temp dir for the generator's integration tests (mdBook's `BookTest`):
//! copy a fixture or write files one by one, run the `wirebook` binary on it, read the output.
//! `publish`: a fixture site in a git repository with a local bare remote, for `publish` and
//! the link crawl.
// Each test crate uses a different part of this module.
#![allow(dead_code)]

pub mod publish;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// A site in a temp dir: copied from a fixture or written file by file (mdBook's BookTest).
pub struct TestSite {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl TestSite {
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("posts")).unwrap();
        TestSite { dir, root }
    }

    /// A site in `TEMP/site/`, so that tests can see what lands beside it (`TEMP/…`) and
    /// nothing escapes into the shared temp folder.
    pub fn nested() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("posts")).unwrap();
        TestSite { dir, root }
    }

    /// The temp folder holding the site (its root's parent for [`TestSite::nested`]).
    pub fn temp(&self) -> &Path {
        self.dir.path()
    }

    pub fn fixture(name: &str) -> Self {
        let site = TestSite::empty();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&from, site.root());
        site
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_wirebook"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .output()
            .unwrap()
    }

    pub fn build(&self, extra: &[&str]) -> Output {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.root().join("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.root().join("public").join(rel).exists()
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

pub fn texts(doc: &Html, s: &str) -> Vec<String> {
    doc.select(&sel(s))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

pub fn attrs(doc: &Html, s: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(s))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
