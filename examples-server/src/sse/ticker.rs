//! The news ticker: publishes a canned headline to the hub every
//! `--news-interval`, so an idle `/sse/news` still shows something moving.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::hub::Hub;
use crate::model::EventKind;
use crate::relay::Relay;

/// Headlines the ticker cycles through.
const HEADLINES: &[(&str, &str)] = &[
    (
        "HTTP/3 passes 30% of web traffic",
        "QUIC moves the transport into user space and ends head-of-line blocking between streams.",
    ),
    (
        "New fetch() option: priority",
        "Browsers now let a page mark a request as high or low priority.",
    ),
    (
        "WebSocket compression, revisited",
        "permessage-deflate saves bandwidth but costs memory per connection; measure first.",
    ),
    (
        "EventSource turns 15",
        "Server-Sent Events shipped in browsers in 2010 and still need no library.",
    ),
    (
        "GraphQL over HTTP nears a final spec",
        "The application/graphql-response+json media type makes errors explicit in status codes.",
    ),
    (
        "CORS preflights cached longer",
        "Access-Control-Max-Age lets a browser skip the OPTIONS round trip for repeat calls.",
    ),
    (
        "WebTransport in more browsers",
        "Datagrams and streams over HTTP/3 for games and live media.",
    ),
    (
        "ETags save a surprising amount",
        "Revalidating an unchanged JSON list costs a few hundred bytes instead of the whole list.",
    ),
];

/// Publishes a canned headline every `interval` until shutdown. With a
/// shared relay, every instance runs a ticker but only the one that claims the tick
/// publishes, so readers get one headline per interval, not one per instance.
pub(crate) async fn run(
    hub: Arc<Hub>,
    relay: Option<Arc<dyn Relay>>,
    interval: Duration,
    shutdown: CancellationToken,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await; // the first tick is immediate; wait a whole interval
    for (title, body) in HEADLINES.iter().cycle() {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticker.tick() => {}
        }
        if let Some(relay) = &relay {
            // Held for most of an interval: the other instances' ticks,
            // which fall inside it, find it taken.
            match relay.claim("sse:news-tick", interval.mul_f32(0.8)).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(err) => {
                    tracing::debug!(error = %err, "cannot claim the news tick");
                    continue;
                }
            }
        }
        if let Err(err) = hub
            .publish(EventKind::News, (*title).into(), (*body).into())
            .await
        {
            tracing::warn!(error = %err, "could not publish a news event");
        }
    }
}
