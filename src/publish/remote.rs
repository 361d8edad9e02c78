//! Where GitHub Pages serves a repository, worked out from the repository's remote URL.
//!
//! GitHub serves `OWNER/REPO` at `https://OWNER.github.io/REPO/`, and the special repository
//! `OWNER/OWNER.github.io` at the root, `https://OWNER.github.io/`
//! (<https://docs.github.com/en/pages/getting-started-with-github-pages/about-github-pages#types-of-github-pages-sites>).

/// A repository on github.com, as named by a remote URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubRepo {
    pub owner: String,
    pub name: String,
}

impl GitHubRepo {
    /// Reads every URL form git accepts for github.com: `https://[user[:token]@]github.com/O/R`,
    /// `git@github.com:O/R`, `ssh://git@github.com[:22]/O/R`, `git://github.com/O/R`, each with
    /// or without `.git` and a trailing slash. `None` for anything else (other hosts, local
    /// paths, ssh host aliases).
    pub fn from_remote_url(url: &str) -> Option<GitHubRepo> {
        let (host, path) = split_host_and_path(url.trim())?;
        let host = host.to_ascii_lowercase();
        if host != "github.com" && host != "www.github.com" {
            return None;
        }
        let path = path.trim_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path);
        let (owner, name) = path.split_once('/')?;
        let owner_ok = !owner.is_empty()
            && owner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let name_ok = !name.is_empty()
            && name != "."
            && name != ".."
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        (owner_ok && name_ok).then(|| GitHubRepo {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }

    /// The Pages URL, always with a trailing slash. Host names are case-insensitive, so the
    /// owner is lower-cased there; the project path keeps the repository's spelling.
    pub fn pages_url(&self) -> String {
        let owner = self.owner.to_ascii_lowercase();
        if self.is_user_site() {
            format!("https://{owner}.github.io/")
        } else {
            format!("https://{owner}.github.io/{}/", self.name)
        }
    }

    /// `OWNER/OWNER.github.io`: the user or organisation site, served at the root.
    pub fn is_user_site(&self) -> bool {
        self.name
            .eq_ignore_ascii_case(&format!("{}.github.io", self.owner))
    }
}

/// `(host, path)` of a URL or of git's scp-like `[user@]host:path` form.
fn split_host_and_path(url: &str) -> Option<(&str, &str)> {
    if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if !["https", "http", "ssh", "git", "git+ssh", "ssh+git"].contains(&scheme.as_str()) {
            return None;
        }
        let (authority, path) = rest.split_once('/')?;
        // `user:token@host:port`: the last `@` ends the credentials, a `:` after it starts
        // the port.
        let host_port = authority.rsplit('@').next()?;
        let host = host_port.split(':').next()?;
        Some((host, path))
    } else {
        // scp-like syntax: git treats `a:b` as a remote host only when no `/` comes before
        // the first `:` (otherwise it is a local path).
        let (authority, path) = url.split_once(':')?;
        if authority.contains('/') || authority.is_empty() {
            return None;
        }
        let host = authority.rsplit('@').next()?;
        Some((host, path))
    }
}

/// True for a host name usable as a custom Pages domain: letters, digits, `-` and `.`, with
/// at least one dot (GitHub needs a real DNS name to point at its servers).
pub fn is_domain(s: &str) -> bool {
    !s.is_empty()
        && s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && !s.contains("..")
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// True for hosts that only make sense on the author's machine (the config's default
/// `http://127.0.0.1:1111/`, `localhost`, ...), never for a published site.
pub fn is_local_host(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or(host);
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host.starts_with('[')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(url: &str) -> Option<String> {
        GitHubRepo::from_remote_url(url).map(|r| r.pages_url())
    }

    #[test]
    fn https_forms() {
        let want = Some("https://alice.github.io/notes/".to_string());
        assert_eq!(pages("https://github.com/alice/notes"), want);
        assert_eq!(pages("https://github.com/alice/notes.git"), want);
        assert_eq!(pages("https://github.com/alice/notes/"), want);
        assert_eq!(pages("https://github.com/alice/notes.git/"), want);
        assert_eq!(pages("http://github.com/alice/notes.git"), want);
        assert_eq!(pages("https://www.github.com/alice/notes"), want);
        assert_eq!(pages("  https://GitHub.com/alice/notes.git\n"), want);
    }

    #[test]
    fn https_with_credentials() {
        let want = Some("https://alice.github.io/notes/".to_string());
        assert_eq!(pages("https://alice@github.com/alice/notes.git"), want);
        assert_eq!(
            pages("https://x-access-token:ghs_abc123@github.com/alice/notes.git"),
            want
        );
        assert_eq!(pages("https://user:p%40ss@github.com/alice/notes"), want);
    }

    #[test]
    fn ssh_forms() {
        let want = Some("https://alice.github.io/notes/".to_string());
        assert_eq!(pages("git@github.com:alice/notes.git"), want);
        assert_eq!(pages("git@github.com:alice/notes"), want);
        assert_eq!(pages("git@github.com:/alice/notes.git"), want);
        assert_eq!(pages("github.com:alice/notes.git"), want);
        assert_eq!(pages("ssh://git@github.com/alice/notes.git"), want);
        assert_eq!(pages("ssh://git@github.com:22/alice/notes.git"), want);
        assert_eq!(pages("ssh://github.com/alice/notes"), want);
        assert_eq!(pages("git+ssh://git@github.com/alice/notes.git"), want);
    }

    #[test]
    fn git_protocol() {
        assert_eq!(
            pages("git://github.com/alice/notes.git").as_deref(),
            Some("https://alice.github.io/notes/")
        );
    }

    #[test]
    fn user_site_is_served_at_the_root() {
        let want = Some("https://alice.github.io/".to_string());
        assert_eq!(pages("https://github.com/alice/alice.github.io.git"), want);
        assert_eq!(pages("git@github.com:Alice/alice.github.io.git"), want);
        assert_eq!(pages("git@github.com:Alice/Alice.GitHub.io"), want);
        // Someone else's *.github.io repository is an ordinary project site.
        assert_eq!(
            pages("https://github.com/alice/bob.github.io").as_deref(),
            Some("https://alice.github.io/bob.github.io/")
        );
    }

    #[test]
    fn owner_case_is_folded_into_the_host_but_repo_case_is_kept() {
        assert_eq!(
            pages("https://github.com/Alice-Lab/Wire.Notes_2").as_deref(),
            Some("https://alice-lab.github.io/Wire.Notes_2/")
        );
    }

    #[test]
    fn non_github_remotes_are_not_guessed() {
        for url in [
            "https://gitlab.com/alice/notes.git",
            "git@gitlab.com:alice/notes.git",
            "https://github.example.com/alice/notes.git",
            "git@github-work:alice/notes.git",
            "/srv/git/notes.git",
            "../notes.git",
            "file:///srv/git/notes.git",
            "C:\\repos\\notes",
            "https://github.com/alice",
            "https://github.com/alice/notes/tree/main",
            "https://github.com/alice/../x",
            "",
        ] {
            assert_eq!(pages(url), None, "{url}");
        }
    }

    #[test]
    fn domains() {
        assert!(is_domain("blog.example.com"));
        assert!(is_domain("xn--9n2bp8q.com"));
        for bad in [
            "",
            "localhost",
            "https://a.com",
            "a.com/",
            ".a.com",
            "a..com",
            "a com",
        ] {
            assert!(!is_domain(bad), "{bad}");
        }
    }

    #[test]
    fn local_hosts() {
        for h in [
            "127.0.0.1:1111",
            "localhost",
            "localhost:8080",
            "[::1]:80",
            "0.0.0.0",
        ] {
            assert!(is_local_host(h), "{h}");
        }
        assert!(!is_local_host("blog.example.com"));
    }
}
