//! What an edited post affects, so `serve` re-renders that post and only the pages that list
//! it: its neighbours (their prev/next links), the index pages it is on, its categories and
//! tags, the term lists, the feed and the sitemap.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use anyhow::Result;

use crate::content::library::permalink_clash;
use crate::content::page::{output_file_for, Page};
use crate::diagnostics::{Problem, Problems};
use crate::render::views::{pager_path, Summary};
use crate::site::{render_markdown, Job, Site};
use crate::slug::slugify;
use crate::taxonomy;

/// The result of applying changed posts to a loaded site.
#[derive(Debug, Default)]
pub struct Update {
    pub jobs: Vec<Job>,
    /// Output files (relative paths) that no longer exist.
    pub removed: Vec<String>,
    pub warnings: Vec<Problem>,
}

impl Site {
    /// Re-reads the posts at `changed` (paths relative to the site root; a missing file was
    /// deleted). On any problem the site is left exactly as it was.
    pub fn update_posts(&mut self, changed: &[PathBuf]) -> Result<Update> {
        let mut warnings = Vec::new();
        let mut problems = Vec::new();
        let mut fresh: Vec<Page> = Vec::new();
        let now = chrono::Utc::now();
        for rel in changed {
            if !self.root.join(rel).is_file() {
                continue;
            }
            if let Some(w) = crate::content::page::skipped_by_jekyll(rel) {
                warnings.push(w);
                continue;
            }
            match Page::load(&self.root, rel, &self.config) {
                Ok(loaded) => {
                    warnings.extend(loaded.warnings);
                    let mut page = loaded.page;
                    if !self.include_drafts && !page.is_published(now) {
                        continue;
                    }
                    match render_markdown(
                        &mut page,
                        &self.config,
                        &self.base,
                        &self.styles,
                        &self.messages,
                        &self.links,
                    ) {
                        Ok(()) => warnings.extend(page.rendered.warnings.iter().cloned()),
                        Err(p) => problems.extend(p),
                    }
                    fresh.push(page);
                }
                Err(p) => problems.extend(p),
            }
        }
        let layouts = self
            .renderer
            .resolve_layouts(fresh.iter_mut(), &self.config.layouts);
        problems.extend(layouts.problems);
        warnings.extend(layouts.warning);
        let changed_set: HashSet<&PathBuf> = changed.iter().collect();
        for page in &fresh {
            let unchanged = self
                .library
                .pages
                .iter()
                .filter(|p| !changed_set.contains(&p.source));
            let other_fresh = fresh.iter().filter(|p| p.source != page.source);
            let clash = unchanged
                .chain(other_fresh)
                .find(|other| other.path == page.path);
            if let Some(other) = clash {
                problems.push(permalink_clash(page, &other.source));
            }
        }
        problems.extend(self.generated_clashes(&fresh));
        if !problems.is_empty() {
            return Err(Problems(problems).into());
        }

        // The common case while writing: only the body changed. Nothing that lists the post
        // shows anything different, so only the post itself (and the feed, which carries
        // full content, and the search index, which holds its words) is re-rendered.
        if let Some(jobs) = self.replace_in_place(changed, &mut fresh) {
            return Ok(Update {
                jobs,
                removed: Vec::new(),
                warnings,
            });
        }

        // Everything checked: apply.
        let per_page = self.config.posts_per_page;
        let old_pages = self.index_pages();
        let mut removed_urls: BTreeSet<String> = BTreeSet::new();
        let mut touched_terms: BTreeSet<(usize, String)> = BTreeSet::new();
        let mut neighbour_sources: HashSet<PathBuf> = HashSet::new();
        let mut old_index_pages: BTreeSet<usize> = BTreeSet::new();
        let old_order: Vec<PathBuf> = self
            .library
            .pages
            .iter()
            .map(|p| p.source.clone())
            .collect();
        for (i, old) in self.library.pages.iter().enumerate() {
            if !changed_set.contains(&old.source) {
                continue;
            }
            removed_urls.insert(old.path.clone());
            old_index_pages.insert(i / per_page + 1);
            touched_terms.extend(old.categories.iter().map(|c| (0, slugify(c))));
            touched_terms.extend(old.tags.iter().map(|t| (1, slugify(t))));
            for j in [i.wrapping_sub(1), i + 1] {
                if let Some(n) = self.library.pages.get(j) {
                    neighbour_sources.insert(n.source.clone());
                }
            }
        }
        self.library
            .pages
            .retain(|p| !changed_set.contains(&p.source));
        for page in fresh {
            removed_urls.remove(&page.path);
            touched_terms.extend(page.categories.iter().map(|c| (0, slugify(c))));
            touched_terms.extend(page.tags.iter().map(|t| (1, slugify(t))));
            self.library.pages.push(page);
        }
        self.library.sort();
        self.taxonomies = taxonomy::collect(&self.library);

        let mut jobs: BTreeSet<JobKey> = BTreeSet::new();
        for (i, page) in self.library.pages.iter().enumerate() {
            if changed_set.contains(&page.source) {
                jobs.insert(JobKey(Job::Post(i)));
                jobs.insert(JobKey(Job::Index(i / per_page + 1)));
                for j in [i.wrapping_sub(1), i + 1] {
                    if j < self.library.pages.len() {
                        jobs.insert(JobKey(Job::Post(j)));
                    }
                }
            } else if neighbour_sources.contains(&page.source) {
                jobs.insert(JobKey(Job::Post(i)));
            }
        }
        let new_order: Vec<&PathBuf> = self.library.pages.iter().map(|p| &p.source).collect();
        let order_changed = new_order.len() != old_order.len()
            || new_order.iter().zip(&old_order).any(|(a, b)| *a != b);
        let new_pages = self.index_pages();
        if order_changed {
            jobs.extend((1..=new_pages).map(|n| JobKey(Job::Index(n))));
        } else {
            jobs.extend(
                old_index_pages
                    .into_iter()
                    .filter(|&n| n <= new_pages)
                    .map(|n| JobKey(Job::Index(n))),
            );
        }
        let mut removed: Vec<String> = removed_urls.iter().map(|u| output_file_for(u)).collect();
        removed.extend((new_pages + 1..=old_pages).map(|n| output_file_for(&pager_path("/", n))));
        for (n, slug) in touched_terms {
            let tax = &self.taxonomies[n];
            match tax.terms.iter().position(|t| t.slug == slug) {
                Some(t) => {
                    jobs.insert(JobKey(Job::Term(n, t)));
                }
                None => removed.push(output_file_for(&format!("/{}/{slug}/", tax.name))),
            }
        }
        jobs.extend([
            JobKey(Job::TaxonomyList(0)),
            JobKey(Job::TaxonomyList(1)),
            JobKey(Job::Feed),
            JobKey(Job::Sitemap),
            JobKey(Job::SearchIndex),
        ]);
        Ok(Update {
            jobs: jobs.into_iter().map(|k| k.0).collect(),
            removed,
            warnings,
        })
    }
}

/// Orders jobs for de-duplication.
#[derive(PartialEq, Eq)]
struct JobKey(Job);

impl JobKey {
    fn rank(&self) -> (u8, usize, usize) {
        match self.0 {
            Job::Post(i) => (0, i, 0),
            Job::Index(n) => (1, n, 0),
            Job::TaxonomyList(n) => (2, n, 0),
            Job::Term(n, t) => (3, n, t),
            Job::NotFound => (4, 0, 0),
            Job::Feed => (5, 0, 0),
            Job::Sitemap => (6, 0, 0),
            Job::Search => (7, 0, 0),
            Job::SearchIndex => (8, 0, 0),
        }
    }
}

impl PartialOrd for JobKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for JobKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl Site {
    /// When every changed post still exists and looks the same in lists (title, URL, date,
    /// description, taxonomies, reading time …), swaps the new pages in and returns the
    /// jobs; otherwise leaves everything alone and returns `None`.
    fn replace_in_place(&mut self, changed: &[PathBuf], fresh: &mut Vec<Page>) -> Option<Vec<Job>> {
        if fresh.len() != changed.len() {
            return None;
        }
        let listing = |p: &Page| {
            serde_json::to_string(&Summary::new(p, &self.base, &self.config, &self.messages)).ok()
        };
        let mut slots = Vec::with_capacity(fresh.len());
        for page in fresh.iter() {
            let i = self
                .library
                .pages
                .iter()
                .position(|p| p.source == page.source)?;
            if listing(&self.library.pages[i])? != listing(page)? {
                return None;
            }
            slots.push(i);
        }
        let mut jobs = Vec::new();
        for (i, page) in slots.into_iter().zip(fresh.drain(..)) {
            self.library.pages[i] = page;
            jobs.push(Job::Post(i));
            if i < self.config.feed_limit && !jobs.contains(&Job::Feed) {
                jobs.push(Job::Feed);
            }
        }
        // The words changed, so the search index did.
        jobs.push(Job::SearchIndex);
        Some(jobs)
    }

    /// Re-reads the templates after one changed; the Markdown stays rendered. Every page
    /// is then re-rendered (`jobs()`), since any page may use the changed template.
    pub fn reload_templates(&mut self) -> Result<()> {
        let renderer = crate::render::Renderer::new(&self.root, &self.messages)?;
        let problems = renderer
            .resolve_layouts(self.library.pages.iter_mut(), &self.config.layouts)
            .problems;
        if !problems.is_empty() {
            return Err(Problems(problems).into());
        }
        self.renderer = renderer;
        Ok(())
    }

    /// Re-reads the theme assets (`templates/static/`).
    pub fn reload_assets(&mut self) -> Result<()> {
        self.assets = crate::theme::assets_for(&self.root, &self.messages)?;
        Ok(())
    }
}
