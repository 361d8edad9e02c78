//! The crate's modules form layers: no import runs back up (issue #17).
//!
//! Reads every file reachable from `src/lib.rs` through `mod name;`, finds
//! every path that names something in this crate (`crate::…`, `super::…`,
//! `self::…`, or a child module declared in that file, inside `use` trees and
//! in code alike), resolves it to the file of the module it names, and fails
//! with the cycle if the resulting graph has one. A file is one node: a
//! `mod.rs` that re-exports from a child while the child imports from the
//! `mod.rs` is a loop too. Tokens come from `proc-macro2`, so comments,
//! doc comments and string literals (Lua, JSON, URLs) are never mistaken
//! for paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// A module path from the crate root: `["sse", "hub"]`; the root is `[]`.
type ModPath = Vec<String>;

#[test]
fn modules_form_layers_without_an_import_loop() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = Graph::load(&src);
    assert!(
        graph.files.len() > 20,
        "only {} modules found from {}: the scan is broken",
        graph.files.len(),
        src.display()
    );
    if let Some(cycle) = graph.find_cycle() {
        let tangles: Vec<String> = graph
            .tangles()
            .iter()
            .map(|t| {
                let names: Vec<String> = t.iter().map(|m| graph.name(m)).collect();
                format!("  {} files: {}", t.len(), names.join(" "))
            })
            .collect();
        panic!(
            "the module graph has a loop:\n  {}\n\nfiles that reach each other:\n{}\n\nall imports:\n{}",
            cycle
                .iter()
                .map(|m| graph.name(m))
                .collect::<Vec<_>>()
                .join("\n  -> "),
            tangles.join("\n"),
            graph.describe()
        );
    }
    // The layers, for the test log (`cargo test -- --nocapture`).
    println!("{}", graph.describe());
}

/// The scanner itself: a loop it cannot see would make the test pass on
/// broken code.
#[test]
fn the_scanner_sees_loops_through_use_trees_super_and_code_paths() {
    let files = [
        (
            vec![],
            "mod a; mod b; mod c; pub use a::Thing; /// crate::c::x in a doc\nfn f() {}",
        ),
        (vec!["a".into()], "use crate::{c::{self, Y}, b as _};"),
        (
            vec!["b".into()],
            r#"fn g() { let s = "crate::c"; crate::c::run(); } mod tests { use super::*; }"#,
        ),
        (vec!["c".into()], "mod d; fn h() { d::go(); }"),
        (vec!["c".into(), "d".into()], "use super::super::Thing;"),
    ];
    let graph = Graph::from_sources(files.iter().map(|(m, s)| (m.clone(), s.to_string())));
    let edges: Vec<String> = graph
        .edges
        .iter()
        .flat_map(|(from, tos)| tos.keys().map(move |to| format!("{from:?}->{to:?}")))
        .collect();
    assert_eq!(
        edges,
        [
            r#"[]->["a"]"#,
            r#"["a"]->["b"]"#,
            r#"["a"]->["c"]"#,
            r#"["b"]->["c"]"#,
            r#"["c"]->["c", "d"]"#,
            r#"["c", "d"]->[]"#,
        ]
    );
    let cycle = graph.find_cycle().expect("root -> a -> c -> c/d -> root");
    assert_eq!(graph.tangles().len(), 1);
    assert_eq!(
        graph.tangles()[0].len(),
        5,
        "b is on a loop too: a -> b -> c"
    );
    assert_eq!(cycle.first(), cycle.last());
    assert!(cycle.contains(&vec!["c".to_string(), "d".to_string()]));
}

struct Graph {
    /// Module → the file it lives in (relative to `src/`).
    files: BTreeMap<ModPath, String>,
    /// Module → modules it names, each with one path that shows it.
    edges: BTreeMap<ModPath, BTreeMap<ModPath, String>>,
}

impl Graph {
    /// Follows `mod name;` from `lib.rs`, as the compiler does.
    fn load(src: &Path) -> Graph {
        let mut sources = Vec::new();
        let mut todo: Vec<(ModPath, PathBuf)> = vec![(vec![], src.join("lib.rs"))];
        while let Some((module, file)) = todo.pop() {
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let tokens = parse(&text, &file.display().to_string());
            let is_dir_module = module.is_empty() || file.ends_with("mod.rs");
            let dir = if is_dir_module {
                file.parent().unwrap().to_path_buf()
            } else {
                file.with_extension("")
            };
            for child in file_modules(&tokens) {
                let flat = dir.join(format!("{child}.rs"));
                let nested = dir.join(&child).join("mod.rs");
                let path = if flat.exists() { flat } else { nested };
                let mut child_path = module.clone();
                child_path.push(child);
                todo.push((child_path, path));
            }
            let relative = file.strip_prefix(src).unwrap().display().to_string();
            sources.push((module, text, relative));
        }
        let mut graph = Graph::from_sources(
            sources
                .iter()
                .map(|(module, text, _)| (module.clone(), text.clone())),
        );
        for (module, _, relative) in sources {
            graph.files.insert(module, relative);
        }
        graph
    }

    fn from_sources(sources: impl Iterator<Item = (ModPath, String)>) -> Graph {
        let sources: Vec<(ModPath, TokenStream)> = sources
            .map(|(module, text)| {
                let tokens = parse(&text, &format!("{module:?}"));
                (module, tokens)
            })
            .collect();
        let files: BTreeMap<ModPath, String> = sources
            .iter()
            .map(|(m, _)| (m.clone(), format!("{m:?}")))
            .collect();
        let mut edges: BTreeMap<ModPath, BTreeMap<ModPath, String>> = BTreeMap::new();
        for (module, tokens) in &sources {
            let mut found = Vec::new();
            let scope = Scope {
                path: module.clone(),
                children: all_modules(tokens),
            };
            collect_paths(tokens.clone(), &scope, &mut found);
            let out = edges.entry(module.clone()).or_default();
            for path in found {
                let Some(target) = longest_module(&files, &path) else {
                    continue;
                };
                if &target != module {
                    out.entry(target).or_insert_with(|| path.join("::"));
                }
            }
        }
        Graph { files, edges }
    }

    fn name(&self, module: &ModPath) -> String {
        self.files
            .get(module)
            .cloned()
            .unwrap_or_else(|| format!("{module:?}"))
    }

    /// A loop as `[a, b, …, a]`, if there is one (depth-first search).
    fn find_cycle(&self) -> Option<Vec<ModPath>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        fn visit(
            graph: &Graph,
            node: &ModPath,
            marks: &mut BTreeMap<ModPath, Mark>,
            stack: &mut Vec<ModPath>,
        ) -> Option<Vec<ModPath>> {
            marks.insert(node.clone(), Mark::Open);
            stack.push(node.clone());
            for next in graph.edges.get(node).into_iter().flat_map(|e| e.keys()) {
                match marks.get(next) {
                    Some(Mark::Open) => {
                        let start = stack.iter().position(|m| m == next).unwrap();
                        let mut cycle = stack[start..].to_vec();
                        cycle.push(next.clone());
                        return Some(cycle);
                    }
                    Some(Mark::Done) => {}
                    None => {
                        if let Some(cycle) = visit(graph, next, marks, stack) {
                            return Some(cycle);
                        }
                    }
                }
            }
            stack.pop();
            marks.insert(node.clone(), Mark::Done);
            None
        }
        let mut marks = BTreeMap::new();
        for node in self.files.keys() {
            if !marks.contains_key(node) {
                let mut stack = Vec::new();
                if let Some(cycle) = visit(self, node, &mut marks, &mut stack) {
                    return Some(cycle);
                }
            }
        }
        None
    }

    /// Groups of two or more modules that all reach each other (strongly
    /// connected components): what has to be untangled, not just one loop.
    fn tangles(&self) -> Vec<BTreeSet<ModPath>> {
        let reach = |from: &ModPath| {
            let mut seen = BTreeSet::new();
            let mut todo = vec![from.clone()];
            while let Some(m) = todo.pop() {
                for next in self.edges.get(&m).into_iter().flat_map(|e| e.keys()) {
                    if seen.insert(next.clone()) {
                        todo.push(next.clone());
                    }
                }
            }
            seen
        };
        let reaches: BTreeMap<&ModPath, BTreeSet<ModPath>> =
            self.files.keys().map(|m| (m, reach(m))).collect();
        let mut groups: Vec<BTreeSet<ModPath>> = Vec::new();
        for (m, r) in &reaches {
            if groups.iter().any(|g| g.contains(*m)) {
                continue;
            }
            let group: BTreeSet<ModPath> = r
                .iter()
                .filter(|other| reaches[other].contains(*m))
                .cloned()
                .collect();
            if group.len() > 1 {
                groups.push(group);
            }
        }
        groups
    }

    /// `file -> file (a path that shows it)`, one line per import.
    fn describe(&self) -> String {
        let mut out = String::new();
        for (from, tos) in &self.edges {
            for (to, via) in tos {
                out.push_str(&format!(
                    "  {} -> {}   ({via})\n",
                    self.name(from),
                    self.name(to)
                ));
            }
        }
        out
    }
}

fn parse(text: &str, name: &str) -> TokenStream {
    TokenStream::from_str(text).unwrap_or_else(|e| panic!("{name}: cannot tokenize: {e}"))
}

/// Where a path is read: the module it is in (an inline `mod` extends the
/// file's path) and the modules declared right there.
struct Scope {
    path: ModPath,
    children: BTreeSet<String>,
}

/// `mod name;` declarations at the top of a file (not inline modules).
fn file_modules(tokens: &TokenStream) -> Vec<String> {
    let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut out = Vec::new();
    for i in 0..tts.len().saturating_sub(2) {
        if let (TokenTree::Ident(kw), TokenTree::Ident(name), TokenTree::Punct(semi)) =
            (&tts[i], &tts[i + 1], &tts[i + 2])
        {
            if kw == "mod" && semi.as_char() == ';' {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// Every `mod name` at this level, with or without a body.
fn all_modules(tokens: &TokenStream) -> BTreeSet<String> {
    let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
    tts.windows(2)
        .filter_map(|w| match (&w[0], &w[1]) {
            (TokenTree::Ident(kw), TokenTree::Ident(name)) if kw == "mod" => Some(name.to_string()),
            _ => None,
        })
        .collect()
}

fn is_path_sep(tts: &[TokenTree], i: usize) -> bool {
    matches!((tts.get(i), tts.get(i + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
}

/// Every crate-relative path in `tokens`, resolved to absolute module paths.
fn collect_paths(tokens: TokenStream, scope: &Scope, out: &mut Vec<ModPath>) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        match &tts[i] {
            // `mod name { … }`: paths inside are relative to `name`.
            TokenTree::Ident(kw) if kw == "mod" => {
                if let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(body))) =
                    (tts.get(i + 1), tts.get(i + 2))
                {
                    if body.delimiter() == Delimiter::Brace {
                        let mut path = scope.path.clone();
                        path.push(name.to_string());
                        let inner = Scope {
                            path,
                            children: all_modules(&body.stream()),
                        };
                        collect_paths(body.stream(), &inner, out);
                        i += 3;
                        continue;
                    }
                }
                i += 1;
            }
            TokenTree::Ident(first)
                if is_path_sep(&tts, i + 1) && !(i >= 2 && is_path_sep(&tts, i - 2)) =>
            {
                let first = first.to_string();
                let base = match first.as_str() {
                    "crate" => Some(vec![]),
                    "self" => Some(scope.path.clone()),
                    "super" => Some(scope.path[..scope.path.len().saturating_sub(1)].to_vec()),
                    name if scope.children.contains(name) => {
                        let mut p = scope.path.clone();
                        p.push(name.to_owned());
                        Some(p)
                    }
                    _ => None,
                };
                let end = match base {
                    Some(base) => read_path(&tts, i + 1, base, scope, out),
                    None => i + 1,
                };
                i = end.max(i + 1);
            }
            TokenTree::Group(group) => {
                collect_paths(group.stream(), scope, out);
                i += 1;
            }
            _ => i += 1,
        }
    }
}

/// Reads `::seg::seg…` (and a trailing `::{use, tree}`) starting at `i`,
/// which points at a `::`, onto `prefix`; returns the index after it.
fn read_path(
    tts: &[TokenTree],
    mut i: usize,
    mut prefix: ModPath,
    scope: &Scope,
    out: &mut Vec<ModPath>,
) -> usize {
    while is_path_sep(tts, i) {
        match tts.get(i + 2) {
            Some(TokenTree::Ident(seg)) if seg == "super" => {
                prefix.pop();
                i += 3;
            }
            Some(TokenTree::Ident(seg)) if seg == "self" => i += 3,
            Some(TokenTree::Ident(seg)) => {
                prefix.push(seg.to_string());
                i += 3;
            }
            Some(TokenTree::Group(tree)) if tree.delimiter() == Delimiter::Brace => {
                read_use_tree(tree.stream(), &prefix, scope, out);
                return i + 3;
            }
            _ => break,
        }
    }
    out.push(prefix);
    i
}

/// `{a::b, c::{d, self}, e as f, *}` after `prefix::`.
fn read_use_tree(tokens: TokenStream, prefix: &ModPath, scope: &Scope, out: &mut Vec<ModPath>) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    for item in tts.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) {
        match item.first() {
            Some(TokenTree::Ident(seg)) => {
                let mut path = prefix.clone();
                match seg.to_string().as_str() {
                    "self" => {}
                    "super" => {
                        path.pop();
                    }
                    other => path.push(other.to_owned()),
                }
                read_path(item, 1, path, scope, out);
            }
            Some(TokenTree::Group(tree)) => read_use_tree(tree.stream(), prefix, scope, out),
            _ => out.push(prefix.clone()),
        }
    }
}

/// The deepest known module that `path` starts with.
fn longest_module(files: &BTreeMap<ModPath, String>, path: &ModPath) -> Option<ModPath> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| files.contains_key(p))
}
