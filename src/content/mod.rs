//! Loading posts: files on disk → checked text → front matter + Markdown body → [`page::Page`].

pub mod front_matter;
pub mod library;
pub mod page;
pub mod permalink;
