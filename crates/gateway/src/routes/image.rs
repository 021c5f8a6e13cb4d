//! `raz_image`: the tag image of a staged code.

use super::{jpeg, AppState};
use crate::html::page;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use razcode_protocol::RazId;

pub async fn tag_image(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let not_found = || {
        page(
            StatusCode::NOT_FOUND,
            "No such image",
            "<p>There is no code with this image.</p>",
        )
    };
    let Some(id) = file.strip_suffix(".jpg").and_then(|s| RazId::parse(s).ok()) else {
        return not_found();
    };
    let compact = id.compact();
    match state.db(move |s| s.stage(&compact)).await {
        Ok(Some(s)) if s.voided_at.is_some() => {
            return super::redeem::withdrawn(razcode_lang::Language::En, id)
        }
        Ok(Some(_)) => {}
        Ok(None) => return not_found(),
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
