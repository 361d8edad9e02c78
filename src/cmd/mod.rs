//! One thin module per subcommand: arguments in, library call, summary out.

pub mod build;
pub mod check;
pub mod docs;
pub mod init;
pub mod new;
pub mod publish;
pub mod serve;
