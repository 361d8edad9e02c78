//! The search index, built with the site and read by `assets/search.js` in the browser: no
//! server, no CDN, works offline and under a base path.
//!
//! Files (under `search/`):
//! - `meta.json`: `{"v": version, "buckets": B, "docs": N, "split": {prefix: [longer prefixes]}}`,
//!   fetched first (revalidated);
//! - `index/B.json`: one shard, `{"term": postings}` for the terms whose shard key hashes to B
//!   (see `tokens.rs`; a key listed in `split` was divided one character further). Postings are the ids of the posts holding the term, ascending, each
//!   written as `(id − previous id) × 2 + in_title` (the first counts from −1);
//! - `doc/ID.json`: `{"u": url, "t": title, "d": date, "x": text}` for the results list: the
//!   passage shown, and the check that a candidate really contains the query.
//!
//! A query reads `meta.json`, one shard per query term and the documents it shows, so what it
//! fetches does not grow with the site (numbers in BENCHMARKS.md).

pub mod tokens;

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Maps keyed by terms we made ourselves: a fast hasher is safe.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

use rayon::prelude::*;
use serde_json::json;

use crate::content::page::Page;
use crate::render::views::Summary;

/// About how large a shard should be, in bytes: a query reads a few of them.
const SHARD_BYTES: usize = 12 * 1024;
const MAX_BUCKETS: usize = 4096;
/// Text kept per document for passages and the check, in characters.
const DOC_TEXT_CHARS: usize = 20_000;

/// What the index needs of one post.
pub struct Doc<'a> {
    pub page: &'a Page,
    pub summary: Summary<'a>,
}

/// Every file of the index: (path under the output root, bytes).
pub fn build(docs: &[Doc<'_>]) -> Vec<(String, Vec<u8>)> {
    // Terms of each post, in parallel: term → in the title (or tags, categories)? A term is
    // copied once per post, not once per occurrence.
    let per_doc: Vec<FastMap<String, bool>> = docs
        .par_iter()
        .map(|d| {
            let mut terms: FastMap<String, bool> = FastMap::default();
            let mut heading = d.page.title.clone();
            for t in d.page.tags.iter().chain(&d.page.categories) {
                heading.push(' ');
                heading.push_str(t);
            }
            tokens::terms(&heading, |t| {
                terms.insert(t.to_string(), true);
            });
            tokens::terms(&d.page.rendered.plain, |t| {
                if !terms.contains_key(t) {
                    terms.insert(t.to_string(), false);
                }
            });
            terms
        })
        .collect();
    // term → (last id, postings)
    let mut postings: FastMap<&str, (u64, Vec<u64>)> = FastMap::default();
    for (id, terms) in per_doc.iter().enumerate() {
        let id = id as u64;
        for (term, &in_title) in terms {
            let (last, list) = postings.entry(term).or_insert((u64::MAX, Vec::new()));
            // The first gap counts from −1, so id 0 is written as 1 (×2).
            let gap = id.wrapping_sub(*last);
            *last = id;
            list.push(gap * 2 + u64::from(in_title));
        }
    }
    // Popular prefixes are split (one character longer, as often as it takes) so that no key
    // holds much more than a shard; then keys are hashed into buckets of about SHARD_BYTES.
    let size = |t: &str, p: &[u64]| t.len() + 4 + p.len() * 3;
    let (keys, split) = place(postings.iter().map(|(t, (_, p))| (*t, size(t, p))));
    let total: usize = postings.iter().map(|(t, (_, p))| size(t, p)).sum();
    let buckets = total.div_ceil(SHARD_BYTES).clamp(1, MAX_BUCKETS) as u32;
    let mut shards: Vec<Vec<(&str, Vec<u64>)>> = vec![Vec::new(); buckets as usize];
    let mut terms: Vec<(&str, Vec<u64>)> = postings.into_iter().map(|(t, (_, p))| (t, p)).collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (term, list) in terms {
        let b = tokens::bucket(keys[term], buckets) as usize;
        shards[b].push((term, list));
    }
    let mut files: Vec<(String, Vec<u8>)> = shards
        .into_par_iter()
        .enumerate()
        .map(|(b, shard)| (format!("search/index/{b}.json"), shard_json(&shard)))
        .collect();
    files.par_extend(docs.par_iter().enumerate().map(|(id, d)| {
        let text: String = d.page.rendered.plain.chars().take(DOC_TEXT_CHARS).collect();
        let doc = json!({
            "u": d.summary.url,
            "t": d.page.title,
            "d": d.summary.date_display,
            "x": text,
        });
        (
            format!("search/doc/{id}.json"),
            serde_json::to_vec(&doc).expect("json"),
        )
    }));
    let version = crate::site::content_version(
        files
            .iter()
            .flat_map(|(name, bytes)| [name.as_bytes(), &bytes[..]]),
    );
    let meta = json!({"v": version, "buckets": buckets, "docs": docs.len(), "split": split});
    files.push((
        "search/meta.json".into(),
        serde_json::to_vec(&meta).expect("json"),
    ));
    files
}

/// `{"term":[postings],…}` for terms in sorted order: what serde_json writes for that map,
/// without building a `Value` per posting (the index is rebuilt on every build and edit).
fn shard_json(terms: &[(&str, Vec<u64>)]) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = Vec::with_capacity(terms.iter().map(|(t, p)| t.len() + 4 + p.len() * 4).sum());
    out.push(b'{');
    for (i, (term, list)) in terms.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, term).expect("json");
        out.extend_from_slice(b":[");
        for (j, n) in list.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            let _ = write!(out, "{n}");
        }
        out.push(b']');
    }
    out.push(b'}');
    out
}

/// Popular prefixes split (in `split`, prefix → the one-character-longer prefixes it became)
/// until no key holds much more than a shard; each term's key, as `tokens::shard_key` finds it.
type Placement<'a> = (
    HashMap<&'a str, &'a str>,
    BTreeMap<String, BTreeSet<String>>,
);

fn place<'a>(sizes: impl Iterator<Item = (&'a str, usize)>) -> Placement<'a> {
    let mut groups: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for (term, size) in sizes {
        let key = tokens::shard_key(term, &|_| false);
        groups.entry(key).or_default().push((term, size));
    }
    let mut split: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut keys: HashMap<&str, &str> = HashMap::new();
    let mut todo: Vec<(&str, Vec<(&str, usize)>)> = groups.into_iter().collect();
    while let Some((key, terms)) = todo.pop() {
        let total: usize = terms.iter().map(|(_, n)| n).sum();
        let n = key.chars().count();
        if total <= SHARD_BYTES || terms.iter().all(|(t, _)| t.len() == key.len()) {
            keys.extend(terms.iter().map(|(t, _)| (*t, key)));
            continue;
        }
        let mut children: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
        let mut own = Vec::new();
        for (t, size) in terms {
            if t.len() == key.len() {
                own.push(t);
            } else {
                children
                    .entry(tokens::prefix(t, n + 1))
                    .or_default()
                    .push((t, size));
            }
        }
        keys.extend(own.iter().map(|t| (*t, key)));
        // One big term (or one family, "abbreviat…") gains nothing from a longer key.
        if children.len() == 1 && own.is_empty() {
            keys.extend(children.values().flatten().map(|(t, _)| (*t, key)));
            continue;
        }
        split.insert(
            key.to_string(),
            children.keys().map(|c| c.to_string()).collect(),
        );
        todo.extend(children);
    }
    (keys, split)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_json_is_what_serde_json_writes_for_the_map() {
        let terms = [("a\"b", vec![1, 20]), ("z", vec![]), ("통신", vec![3])];
        let map: serde_json::Map<String, serde_json::Value> = terms
            .iter()
            .map(|(t, p)| (t.to_string(), p.clone().into()))
            .collect();
        assert_eq!(shard_json(&terms), serde_json::to_vec(&map).unwrap());
    }

    #[test]
    fn popular_prefixes_split_and_every_term_is_where_shard_key_looks() {
        let terms = [
            "re", "read", "ready", "request", "result", "resolver", "rust", "통신", "통계", "통합",
            "통과", "웹소",
        ];
        let big = SHARD_BYTES / 3;
        let (keys, split) = place(terms.iter().map(|t| (*t, big)));
        assert_eq!(
            split["re"],
            BTreeSet::from(["rea".to_string(), "req".into(), "res".into()])
        );
        assert!(split.contains_key("통") && !split.contains_key("웹"));
        for t in terms {
            let found = tokens::shard_key(t, &|k| split.contains_key(k));
            assert_eq!(found, keys[t], "{t}");
        }
        assert_eq!(keys["re"], "re");
        assert_eq!(keys["resolver"], "res");
        assert_eq!(keys["통신"], "통신");
        assert_eq!(keys["rust"], "ru");
        // A lone big term is not split letter by letter.
        let (keys, split) = place([("abbreviation", SHARD_BYTES * 2)].into_iter());
        assert!(split.is_empty(), "{split:?}");
        assert_eq!(keys["abbreviation"], "ab");
    }
}
