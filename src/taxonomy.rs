//! Categories and tags: one page per term and one list of all terms, per taxonomy.

use std::collections::BTreeMap;

use crate::content::library::Library;
use crate::slug::slugify;

pub struct Term {
    pub name: String,
    pub slug: String,
    /// Indexes into the library's pages, newest first.
    pub pages: Vec<usize>,
}

pub struct Taxonomy {
    /// URL segment and front-matter field: `categories` or `tags`.
    pub name: &'static str,
    /// Heading for the list page.
    pub label: &'static str,
    pub terms: Vec<Term>,
}

impl Taxonomy {
    pub fn path(&self) -> String {
        format!("/{}/", self.name)
    }

    pub fn term_path(&self, term: &Term) -> String {
        format!("/{}/{}/", self.name, term.slug)
    }
}

/// Builds both taxonomies. Terms that differ only in case or punctuation (`Rust`, `rust`)
/// share one page, named as first written by the newest post.
pub fn collect(library: &Library) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for (name, label) in [("categories", "Categories"), ("tags", "Tags")] {
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        for (i, page) in library.pages.iter().enumerate() {
            let values = if name == "categories" {
                &page.categories
            } else {
                &page.tags
            };
            for value in values {
                let slug = slugify(value);
                if slug.is_empty() {
                    continue;
                }
                let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                    name: value.clone(),
                    slug,
                    pages: Vec::new(),
                });
                if term.pages.last() != Some(&i) {
                    term.pages.push(i);
                }
            }
        }
        out.push(Taxonomy {
            name,
            label,
            terms: terms.into_values().collect(),
        });
    }
    out
}
