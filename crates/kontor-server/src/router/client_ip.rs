//! Replaces the connection's peer address (`ConnectInfo`) by the client's address from `proxy::client_ip`
//! before any handler runs, so the sign-in throttle, sessions and audit entries all see the same address.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::HeaderName;
use axum::middleware::Next;
use axum::response::Response;

use crate::proxy::client_ip;
use crate::state::AppState;

static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

pub(crate) async fn from_trusted_proxy(
    State(st): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if !st.config.trusted_proxies.is_empty() {
        if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied()
        {
            let lines = req
                .headers()
                .get_all(&X_FORWARDED_FOR)
                .iter()
                .filter_map(|v| v.to_str().ok());
            let ip = client_ip(peer.ip(), lines, &st.config.trusted_proxies);
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(ip, peer.port())));
        }
    }
    next.run(req).await
}
