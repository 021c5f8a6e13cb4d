//! `raz_image`: the tag image of a staged code.

use super::{jpeg, AppState};
use crate::html::page;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use razcode_protocol::RazId;
use std::net::SocketAddr;

/// Counted like the redemption page: an image of a code that does not exist
/// is a wrong code, and a client that tried too many gets none.
pub async fn tag_image(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let client = state.client(peer, &headers).to_string();
    let not_found = || {
        page(
            StatusCode::NOT_FOUND,
            "No such image",
            "<p>There is no code with this image.</p>",
        )
    };
    if super::redeem::paused(&state, &client).await {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many wrong codes",
            "<p>Too many codes that do not exist were tried from here. Try again later.</p>",
        );
    }
    let Some(id) = file.strip_suffix(".jpg").and_then(|s| RazId::parse(s).ok()) else {
        super::redeem::count_wrong(&state, &client).await;
        return not_found();
    };
    let compact = id.compact();
    match state.db(move |s| s.stage(&compact)).await {
        Ok(Some(s)) if s.voided_at.is_some() => {
            return super::redeem::withdrawn(razcode_lang::Language::En, id)
        }
        Ok(Some(_)) => {}
        Ok(None) => {
            super::redeem::count_wrong(&state, &client).await;
            return not_found();
        }
        Err(e) => {
            tracing::error!(error = %e, "image lookup failed");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Try again",
                "<p>The image could not be made.</p>",
            );
        }
    }
    match tokio::task::spawn_blocking(move || super::render_jpeg(id)).await {
        Ok(Ok(bytes)) => jpeg(bytes),
        _ => page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Try again",
            "<p>The image could not be made.</p>",
        ),
    }
}
