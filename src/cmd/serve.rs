//! `wirebook serve`.

use anyhow::Result;

use crate::cli::ServeArgs;
use wirebook::serve::report::{Notice, Reporter};
use wirebook::serve::{self, ServeOptions};

pub fn run(args: ServeArgs) -> Result<()> {
    if !args.bind.is_loopback() {
        eprintln!("warning: serving on {}: the site and the example endpoints are reachable from your network", args.bind);
    }
    let opts = ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        examples: !args.no_examples,
        open: args.open,
        poll: args.poll,
        examples_db: args.examples_db,
        header_read_timeout: serve::HEADER_READ_TIMEOUT,
        base_url: args.base_url,
        reporter: Reporter::new(|notice| match notice {
            Notice::Serving { .. } => println!("{notice}"),
            Notice::BuildFailed(_) => eprintln!("{notice}"),
        }),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve::run(opts, shutdown_signal()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    eprintln!("shutting down");
}
