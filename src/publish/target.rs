//! Which URL the published site will be served from, and which custom domain it declares.
//!
//! Order of precedence: `--base-url`; else the custom domain (`--cname`, the site's own
//! `static/CNAME`, or the `CNAME` GitHub's Pages settings committed to the publish branch);
//! else the GitHub Pages address of the remote.

use std::path::Path;

use super::error::{io, PublishError, Result};
use super::remote::{is_domain, is_local_host, GitHubRepo};
use crate::config::BaseUrl;

pub struct Inputs<'a> {
    pub root: &'a Path,
    pub remote: &'a str,
    /// The remote's URL as git expands it (`insteadOf`), then as configured.
    pub remote_urls: &'a [String],
    pub base_url: Option<&'a str>,
    pub cname: Option<&'a str>,
    /// The domain in `CNAME` on the publish branch's current tip.
    pub branch_cname: Option<String>,
    /// `origin/gh-pages`, for messages.
    pub branch_name: &'a str,
    pub config_base_url: &'a str,
}

#[derive(Debug)]
pub struct Target {
    pub base_url: String,
    pub base_url_from: String,
    /// `(domain, where it came from)`.
    pub cname: Option<(String, String)>,
    pub notes: Vec<String>,
}

impl Target {
    pub fn resolve(i: &Inputs<'_>) -> Result<Target> {
        let mut notes = Vec::new();
        let static_path = crate::paths::SitePaths::new(i.root)
            .static_dir()
            .join("CNAME");
        let static_cname = read_cname(&static_path)?;
        let cname = match i.cname.map(str::trim) {
            Some("") => {
                if static_cname.is_some() {
                    notes.push(format!(
                        "--cname \"\": {} is left out of the published site",
                        static_path.display()
                    ));
                }
                None
            }
            Some(d) => {
                if !is_domain(d) {
                    return Err(PublishError::CnameFlag(d.to_string()));
                }
                if let Some(s) = static_cname.as_deref().filter(|s| *s != d) {
                    notes.push(format!(
                        "--cname {d} replaces {s} from {} in the published CNAME",
                        static_path.display()
                    ));
                }
                Some((d.to_string(), "--cname".to_string()))
            }
            None => static_cname
                .map(|d| (d, static_path.display().to_string()))
                .or_else(|| {
                    i.branch_cname
                        .clone()
                        .map(|d| (d, format!("the CNAME file on {}", i.branch_name)))
                }),
        };

        let (base_url, base_url_from) = if let Some(url) = i.base_url {
            BaseUrl::parse(url).map_err(|e| e.flag("--base-url"))?;
            if let (Some((domain, _)), Ok(b)) = (&cname, BaseUrl::parse(url)) {
                if host(&b.origin) != domain {
                    notes.push(format!(
                        "--base-url {url} is not on the custom domain {domain}; GitHub Pages \
                         redirects to https://{domain}/, where these links may not resolve"
                    ));
                }
            }
            (url.to_string(), "--base-url".to_string())
        } else if let Some((domain, from)) = &cname {
            (
                format!("https://{domain}/"),
                format!("custom domain {domain}, from {from}"),
            )
        } else {
            let repo = i
                .remote_urls
                .iter()
                .find_map(|u| GitHubRepo::from_remote_url(u))
                .ok_or_else(|| PublishError::NoBaseUrl {
                    remote: i.remote.to_string(),
                    url: i.remote_urls.first().cloned().unwrap_or_default(),
                })?;
            (
                repo.pages_url(),
                format!(
                    "remote `{}`, GitHub repository {}/{}",
                    i.remote, repo.owner, repo.name
                ),
            )
        };

        if let Ok(configured) = BaseUrl::parse(i.config_base_url) {
            let same = i.config_base_url.trim_end_matches('/') == base_url.trim_end_matches('/');
            if !same && !is_local_host(host(&configured.origin)) {
                notes.push(format!(
                    "wirebook.toml has base_url = \"{}\", but this publish uses {base_url} \
                     (from {base_url_from}); if the site really lives at the configured \
                     address, pass --base-url (or --cname DOMAIN for a custom domain)",
                    i.config_base_url
                ));
            }
        }
        Ok(Target {
            base_url,
            base_url_from,
            cname,
            notes,
        })
    }
}

fn host(origin: &str) -> &str {
    let rest = origin.split_once("://").map_or(origin, |(_, r)| r);
    rest.split(':').next().unwrap_or(rest)
}

/// The domain in a `CNAME` file, if the file exists.
fn read_cname(path: &Path) -> Result<Option<String>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(io("cannot read", path))?;
    let domain = text.lines().map(str::trim).find(|l| !l.is_empty());
    match domain {
        Some(d) if is_domain(d) => Ok(Some(d.to_string())),
        _ => Err(PublishError::CnameFile {
            path: path.to_path_buf(),
            text: text.trim().to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs<'a>(root: &'a Path, urls: &'a [String]) -> Inputs<'a> {
        Inputs {
            root,
            remote: "origin",
            remote_urls: urls,
            base_url: None,
            cname: None,
            branch_cname: None,
            branch_name: "origin/gh-pages",
            config_base_url: "http://127.0.0.1:1111/",
        }
    }

    #[test]
    fn precedence() {
        let dir = std::env::temp_dir().join(format!("wirebook-target-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let urls = [
            "/srv/mirror.git".to_string(),
            "git@github.com:alice/notes.git".into(),
        ];

        // The configured URL names GitHub even when insteadOf points git at a mirror.
        let t = Target::resolve(&inputs(&dir, &urls)).unwrap();
        assert_eq!(t.base_url, "https://alice.github.io/notes/");
        assert!(t.cname.is_none());
        assert!(t.notes.is_empty(), "{:?}", t.notes);

        let t = Target::resolve(&Inputs {
            branch_cname: Some("notes.example.org".into()),
            ..inputs(&dir, &urls)
        })
        .unwrap();
        assert_eq!(t.base_url, "https://notes.example.org/");
        assert!(
            t.base_url_from.contains("origin/gh-pages"),
            "{}",
            t.base_url_from
        );

        let t = Target::resolve(&Inputs {
            cname: Some("blog.example.com"),
            branch_cname: Some("notes.example.org".into()),
            ..inputs(&dir, &urls)
        })
        .unwrap();
        assert_eq!(t.base_url, "https://blog.example.com/");
        assert_eq!(t.cname.unwrap().0, "blog.example.com");

        // An explicit empty --cname drops the branch's domain.
        let t = Target::resolve(&Inputs {
            cname: Some(""),
            branch_cname: Some("notes.example.org".into()),
            ..inputs(&dir, &urls)
        })
        .unwrap();
        assert_eq!(t.base_url, "https://alice.github.io/notes/");
        assert!(t.cname.is_none());

        let t = Target::resolve(&Inputs {
            base_url: Some("https://example.net/sub/"),
            config_base_url: "https://user.github.io/repo/",
            ..inputs(&dir, &urls)
        })
        .unwrap();
        assert_eq!(t.base_url, "https://example.net/sub/");
        assert_eq!(t.base_url_from, "--base-url");
        assert!(t.notes[0].contains("wirebook.toml"), "{:?}", t.notes);

        std::fs::create_dir_all(dir.join("static")).unwrap();
        std::fs::write(dir.join("static/CNAME"), "www.example.com\n").unwrap();
        let t = Target::resolve(&inputs(&dir, &urls)).unwrap();
        assert_eq!(t.base_url, "https://www.example.com/");
        std::fs::write(dir.join("static/CNAME"), "https://www.example.com/\n").unwrap();
        let err = Target::resolve(&inputs(&dir, &urls))
            .unwrap_err()
            .to_string();
        assert!(err.contains("static/CNAME: expected one domain"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn errors_name_the_flag_or_remote() {
        let dir = Path::new("/nonexistent-wirebook-root");
        let local = ["/srv/git/notes.git".to_string()];
        let err = Target::resolve(&inputs(dir, &local))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("remote `origin` (/srv/git/notes.git)"),
            "{err}"
        );
        assert!(err.contains("--base-url"), "{err}");
        let err = Target::resolve(&Inputs {
            cname: Some("https://blog.example.com"),
            ..inputs(dir, &local)
        })
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("--cname:"), "{err}");
        let err = Target::resolve(&Inputs {
            base_url: Some("example.com"),
            ..inputs(dir, &local)
        })
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("--base-url:"), "{err}");
    }
}
