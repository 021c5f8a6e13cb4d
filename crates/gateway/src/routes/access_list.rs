//! "Who opened this record" on the record page (protocol v1.2): the code's
//! access events in words, in the page's language, each with its time as
//! the language writes it.

use super::lifecycle::rfc3339;
use crate::html::{escape, say};
use crate::store::audit::Access;
use razcode_lang::Language;

/// The section: a heading, a line on what it is, and the events oldest first.
pub fn section(l: Language, accesses: &[Access]) -> String {
    let mut out = format!(
        "<section aria-labelledby=\"accesses\"><h2 id=\"accesses\">{}</h2><p>{}</p><ol class=\"accesses\">",
        say(l, "page-accesses-title", &[]),
        say(l, "page-accesses-help", &[]),
    );
    for a in accesses {
        let recipient = escape(a.recipient.as_deref().unwrap_or("—"));
        let words = say(
            l,
            &format!("page-access-{}", a.event.as_str()),
            &[("recipient", recipient)],
        );
        out.push_str(&format!(
            "<li><time datetime=\"{}\">{}</time>: {words}</li>",
            rfc3339(a.at),
            escape(&razcode_lang::date_time(l, a.at)),
        ));
    }
    out.push_str("</ol></section>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use razcode_protocol::AccessEvent;

    #[test]
    fn every_event_has_words_in_every_language_and_recipients_are_escaped() {
        for l in Language::ALL {
            for event in AccessEvent::ALL {
                let html = section(
                    l,
                    &[Access {
                        at: 1_796_460_000,
                        event,
                        recipient: Some("<b>app</b>".into()),
                    }],
                );
                assert!(!html.contains("page-access-"), "{l:?} {event}: {html}");
                assert!(!html.contains("<b>"), "{html}");
            }
        }
    }
}
