//! An approval page as a browser uses it: for every test that signs in on one
//! (the gateway's, the desk's and the app's).

/// The value of a hidden form field in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} in page"))
        + needle.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Opens the approval page at `url` (with its `oauth_token`) in `browser` (a
/// client that keeps cookies) and submits its form with `fields` beside the
/// page's own token and CSRF tag; the answer to the submission.
pub async fn submit(
    browser: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = browser.get(url).send().await.expect("the approval page");
    assert_eq!(page.status(), 200, "the approval page answered");
    let html = page.text().await.expect("the page's text");
    let (token, csrf) = (hidden(&html, "oauth_token"), hidden(&html, "csrf"));
    let mut form: Vec<(&str, &str)> = vec![("oauth_token", &token), ("csrf", &csrf)];
    form.extend_from_slice(fields);
    let action = url.split('?').next().unwrap_or(url);
    browser
        .post(action)
        .form(&form)
        .send()
        .await
        .expect("the approval form was sent")
}
