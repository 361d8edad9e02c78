//! A TCP forwarder that can cut every connection and refuse new ones: a
//! database outage without stopping the shared PostgreSQL server.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Proxy {
    pub addr: SocketAddr,
    cut: Arc<watch::Sender<bool>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cut = Arc::new(watch::channel(false).0);
        let task = {
            let cut = Arc::clone(&cut);
            tokio::spawn(async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    if *cut.borrow() {
                        continue; // dropped: connection reset
                    }
                    let mut cut_rx = cut.subscribe();
                    tokio::spawn(async move {
                        let Ok(mut server) = TcpStream::connect(upstream).await else {
                            return;
                        };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = cut_rx.wait_for(|cut| *cut) => {}
                        }
                    });
                }
            })
        };
        Proxy { addr, cut, task }
    }

    /// Drops every open connection and refuses new ones.
    pub fn cut(&self) {
        self.cut.send_replace(true);
    }

    pub fn restore(&self) {
        self.cut.send_replace(false);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
