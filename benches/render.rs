//! The per-page render path: Markdown (with syntect highlighting) for one post, and one
//! post page through Tera. Run with `cargo bench --bench render`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use wirebook::highlight::Styles;
use wirebook::markdown::{self, Context};
use wirebook::site::{BuildOptions, Job, Site};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chap10")
}

fn body(file: &str) -> String {
    let text = std::fs::read_to_string(fixture().join("posts").join(file)).unwrap();
    let end = text[4..].find("\n---\n").unwrap() + 9;
    text[end..].to_string()
}

fn per_page(c: &mut Criterion) {
    let styles = Styles::new("InspiredGitHub", "OneHalfDark").unwrap();
    let messages = wirebook::i18n::Messages::new("ko", &Default::default()).unwrap();
    let mut group = c.benchmark_group("per_page");
    for (name, file) in [
        ("markdown_chap10_tables", "2025-06-10-chap10.md"),
        ("markdown_code_6_languages", "2025-06-01-code.md"),
    ] {
        let text = body(file);
        let ctx = Context {
            base_path: "/repo",
            source: Path::new(file),
            body_line: 1,
            styles: &styles,
            messages: &messages,
            lang: "ko",
            excerpt_separator: "",
        };
        group.bench_function(name, |b| {
            b.iter(|| markdown::render(std::hint::black_box(&text), &ctx).unwrap())
        });
    }
    // Real code rarely repeats a line (#15): every line of this block is new each time, so
    // neither syntect's work nor the line memo's bookkeeping is skipped. Per code line:
    // divide by 20.
    let mut n = 0u64;
    let rust = wirebook::highlight::find_syntax("rust");
    let opts = wirebook::highlight::FenceOptions::default();
    group.bench_function("highlight_20_unique_rust_lines", |b| {
        b.iter(|| {
            n += 1;
            let code: String = (0..20)
                .map(|i| match i % 4 {
                    0 => format!("let total_{n}_{i} = items_{i}.iter().map(|x| x * {n}).sum::<u64>();\n"),
                    1 => format!("if total_{n}_{i} > {i} {{ println!(\"{{}} items\", count_{n}); }}\n"),
                    2 => format!("// note {n}: the {i}th step keeps \"state_{n}\" as is\n"),
                    _ => format!("fn handler_{n}_{i}(req: &Request<'_>) -> Result<Response, Error> {{ todo!() }}\n"),
                })
                .collect();
            wirebook::highlight::highlight_block(&code, rust, &opts, &styles)
        })
    });
    let site = Site::load(&BuildOptions {
        root: fixture(),
        ..Default::default()
    })
    .unwrap();
    group.bench_function("tera_post_page", |b| {
        b.iter(|| {
            site.render_jobs(&[Job::Post(0)], &|_: &str, bytes: &[u8]| {
                std::hint::black_box(bytes);
                Ok(())
            })
        })
    });
    group.finish();
}

criterion_group!(benches, per_page);
criterion_main!(benches);
