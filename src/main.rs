//! The `wirebook` binary: logging, CLI dispatch, and the one place errors are printed.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let quiet = matches!(&cli.command, cli::Command::Build(b) if b.quiet);
    let default = if quiet {
        "warn"
    } else {
        "info,tower_http=warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("WIREBOOK_LOG").unwrap_or_else(|_| EnvFilter::new(default)),
        )
        .without_time()
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();

    let result = match cli.command {
        cli::Command::Build(args) => cmd::build::run(args),
        cli::Command::Serve(args) => cmd::serve::run(args),
        cli::Command::Check(args) => cmd::check::run(args),
        cli::Command::Init(args) => cmd::init::run(args),
        cli::Command::New(args) => cmd::new::run(args),
        cli::Command::Publish(args) => cmd::publish::run(args),
        cli::Command::InitCi(args) => cmd::publish::init_ci(args),
        cli::Command::Completions(args) => cmd::docs::completions(args),
        cli::Command::Man => cmd::docs::man(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(problems) = e.downcast_ref::<wirebook::diagnostics::Problems>() {
                for p in &problems.0 {
                    eprintln!("error: {p}");
                }
                let n = problems.0.len();
                eprintln!(
                    "error: {n} problem{} found; nothing was written",
                    if n == 1 { "" } else { "s" }
                );
            } else {
                // `{:#}` is the whole chain: "outer: cause: root cause".
                eprintln!("error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}
