//! The inverted index: each term's postings, merged from the posts' own term lists (made
//! once per post at the Markdown stage, `Rendered::search`), and its division into shards
//! (popular prefixes split, keys hashed into buckets) written as `index/B.json`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use super::{tokens, FastMap};
use crate::output::InputKey;

/// About how large a shard should be, in bytes: a query reads a few of them.
const SHARD_BYTES: usize = 12 * 1024;
const MAX_BUCKETS: usize = 4096;

/// The ids of the posts holding a term, ascending, each as `id × 2 + in_title` (in the
/// title, tags or categories). `u32`: half the memory of `u64` for ~3M pairs at 10k posts.
pub(super) type Postings = Vec<u32>;

/// One post's terms: those of its heading (title, tags, categories) and of its body, each
/// sorted and distinct.
pub(super) struct PostTerms<'a> {
    pub heading: &'a [String],
    pub body: &'a str,
}

/// Every term's postings, posts taken in order (so each list is ascending). Runs of posts
/// are merged in parallel and their lists appended in order (~3M pairs at 10k posts).
pub(super) fn merge<'a>(posts: &[PostTerms<'a>]) -> FastMap<&'a str, Postings> {
    const RUN: usize = 512;
    let runs: Vec<FastMap<&'a str, Postings>> = posts
        .par_chunks(RUN)
        .enumerate()
        .map(|(n, run)| {
            let mut postings = FastMap::default();
            for (i, post) in run.iter().enumerate() {
                add(&mut postings, n * RUN + i, post);
            }
            postings
        })
        .collect();
    let mut runs = runs.into_iter();
    let mut postings = runs.next().unwrap_or_default();
    for run in runs {
        for (term, list) in run {
            postings.entry(term).or_default().extend(list);
        }
    }
    postings
}

/// Adds post `id`'s terms (to lists that hold no later post yet).
fn add<'a>(postings: &mut FastMap<&'a str, Postings>, id: usize, post: &PostTerms<'a>) {
    let id = posting_id(id);
    for (term, in_title) in post.terms() {
        postings
            .entry(term)
            .or_default()
            .push(id + u32::from(in_title));
    }
}

fn posting_id(id: usize) -> u32 {
    u32::try_from(id).expect("fewer than 2^31 posts") * 2
}

impl<'a> PostTerms<'a> {
    /// The post's terms, each once: its two sorted lists walked together, so a term in both
    /// is a title term.
    fn terms(&self) -> impl Iterator<Item = (&'a str, bool)> + use<'a> {
        let mut heading = self.heading.iter().map(String::as_str).peekable();
        let mut body = self.body.split(' ').filter(|t| !t.is_empty()).peekable();
        std::iter::from_fn(move || {
            Some(match (heading.peek(), body.peek()) {
                (None, None) => return None,
                (Some(h), Some(b)) if h == b => {
                    body.next();
                    (heading.next()?, true)
                }
                (Some(h), Some(b)) if h > b => (body.next()?, false),
                (Some(_), _) => (heading.next()?, true),
                (None, Some(_)) => (body.next()?, false),
            })
        })
    }
}

/// Postings that outlive the posts they were merged from, patched one post at a time
/// (`serve`, where an edit changes one post's terms and no post's id).
pub(super) type Owned = FastMap<Box<str>, Postings>;

pub(super) fn owned(postings: FastMap<&str, Postings>) -> Owned {
    postings.into_iter().map(|(t, p)| (t.into(), p)).collect()
}

/// Replaces post `id`'s terms in `postings` by those of `post`.
pub(super) fn patch(postings: &mut Owned, id: usize, post: &PostTerms<'_>) {
    let id = posting_id(id);
    // Its old terms are not kept apart: look for it in every list (a binary search each).
    for list in postings.values_mut() {
        if let Ok(at) = list.binary_search_by_key(&id, |n| n & !1) {
            list.remove(at);
        }
    }
    postings.retain(|_, list| !list.is_empty());
    for (term, in_title) in post.terms() {
        let n = id + u32::from(in_title);
        match postings.get_mut(term) {
            Some(list) => {
                let at = list.partition_point(|&m| m < id);
                list.insert(at, n);
            }
            None => {
                postings.insert(term.into(), vec![n]);
            }
        }
    }
}

/// The shards of an index: how many buckets, which prefixes were split, and each bucket's
/// terms with their postings, in sorted order (`index/B.json`).
pub(super) struct Shards<'a> {
    pub buckets: u32,
    pub split: BTreeMap<String, BTreeSet<String>>,
    pub terms: Vec<Vec<(&'a str, &'a Postings)>>,
}

/// Popular prefixes are split (one character longer, as often as it takes) so that no key
/// holds much more than a shard; then keys are hashed into buckets of about SHARD_BYTES.
pub(super) fn shards<'a>(postings: &[(&'a str, &'a Postings)]) -> Shards<'a> {
    let size = |t: &str, p: &Postings| t.len() + 4 + p.len() * 3;
    let (keys, split) = place(postings.iter().map(|(t, p)| (*t, size(t, p))));
    let total: usize = postings.iter().map(|(t, p)| size(t, p)).sum();
    let buckets = total.div_ceil(SHARD_BYTES).clamp(1, MAX_BUCKETS) as u32;
    let mut terms: Vec<Vec<(&str, &Postings)>> = vec![Vec::new(); buckets as usize];
    for &(term, list) in postings {
        let b = tokens::bucket(keys[term], buckets) as usize;
        terms[b].push((term, list));
    }
    terms
        .par_iter_mut()
        .for_each(|shard| shard.sort_unstable_by(|a, b| a.0.cmp(b.0)));
    Shards {
        buckets,
        split,
        terms,
    }
}

/// A shard's input key: its terms and postings (hashing them is much cheaper than writing
/// the JSON, so an unchanged shard is not written).
pub(super) fn shard_key(terms: &[(&str, &Postings)]) -> u128 {
    let mut key = InputKey::default();
    let mut bytes = Vec::new();
    for (term, list) in terms {
        key.part(term.as_bytes());
        bytes.clear();
        bytes.extend_from_slice(&(list.len() as u64).to_le_bytes());
        bytes.extend(list.iter().flat_map(|n| n.to_le_bytes()));
        key.raw(&bytes);
    }
    key.finish()
}

/// `{"term":[postings],…}` for terms in sorted order, each list written as gaps: `(id −
/// previous id) × 2 + in_title`, the first counting from −1. What serde_json writes for
/// that map, without building a `Value` per posting.
pub(super) fn shard_json(terms: &[(&str, &Postings)]) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = Vec::with_capacity(terms.iter().map(|(t, p)| t.len() + 4 + p.len() * 4).sum());
    out.push(b'{');
    for (i, (term, list)) in terms.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, term).expect("json");
        out.extend_from_slice(b":[");
        let mut last = u64::MAX;
        for (j, &n) in list.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            let id = u64::from(n >> 1);
            let gap = id.wrapping_sub(last);
            last = id;
            let _ = write!(out, "{}", gap * 2 + u64::from(n & 1));
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
    fn shard_json_is_what_serde_json_writes_for_the_map_of_gaps() {
        // Posts 0 (title), 5 and 6 (title); post 3.
        let lists = [vec![1, 10, 13], vec![], vec![6]];
        let terms = [("a\"b", &lists[0]), ("z", &lists[1]), ("통신", &lists[2])];
        let gaps = [vec![3u64, 10, 3], vec![], vec![8]];
        let map: serde_json::Map<String, serde_json::Value> = terms
            .iter()
            .zip(gaps)
            .map(|((t, _), g)| (t.to_string(), g.into()))
            .collect();
        assert_eq!(shard_json(&terms), serde_json::to_vec(&map).unwrap());
    }

    #[test]
    fn merge_walks_heading_and_body_together() {
        let heading = ["rust".to_string(), "웹소".to_string()];
        let posts = [
            PostTerms {
                heading: &heading,
                body: "async rust tokio",
            },
            PostTerms {
                heading: &[],
                body: "rust 웹소",
            },
        ];
        let postings = merge(&posts);
        assert_eq!(postings["rust"], [1, 2]);
        assert_eq!(postings["웹소"], [1, 2]);
        assert_eq!(postings["async"], [0]);
        assert_eq!(postings["tokio"], [0]);
        assert_eq!(postings.len(), 4);
    }

    #[test]
    fn a_patched_post_gives_the_postings_a_new_merge_gives() {
        let (title, none) = (["rust".to_string()], []);
        let before = [
            PostTerms {
                heading: &title,
                body: "async rust",
            },
            PostTerms {
                heading: &none,
                body: "async gone tokio",
            },
            PostTerms {
                heading: &title,
                body: "tokio",
            },
        ];
        let mut after = before
            .iter()
            .map(|p| PostTerms { ..*p })
            .collect::<Vec<_>>();
        after[1] = PostTerms {
            heading: &title,
            body: "new tokio",
        };
        let mut patched = owned(merge(&before));
        patch(&mut patched, 1, &after[1]);
        assert_eq!(patched, owned(merge(&after)));
        assert!(!patched.contains_key("gone"));
        assert_eq!(patched["rust"], [1, 3, 5]);
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
