//! What an HTTP error status means for KnowBe4 and what to do about it, as
//! the training guide explains them; printed on stderr next to the envelope.

use knowbe4_connector::Envelope;

/// The meaning and resolution of a status KnowBe4 is known to send.
#[must_use]
pub fn for_status(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "400 Bad Request: the request or a campaign's configuration is invalid; check the inputs against `knowbe4 actions`.",
        401 => "401 Unauthorized: the token is invalid or expired; create a new reporting API token (Account Settings > API).",
        403 => "403 Forbidden: the token lacks permission (e.g. training reporting); use a token of an account with that access.",
        404 => "404 Not Found: no campaign, enrollment, policy or store purchase has that id in this account (or region).",
        406 => "406 Not Acceptable: the API only answers JSON; a proxy may be rewriting the Accept header.",
        429 => "429 Too Many Requests: KnowBe4's rate limit (4/s, 50/min, daily budget) was hit; back off and retry later.",
        500 | 502 | 504 => "server error at KnowBe4 (or a gateway); retry later.",
        503 => "503 Service Unavailable: KnowBe4 maintenance; retry later.",
        _ => return None,
    })
}

/// Print the hint for `envelope`'s status, if there is one.
pub fn print(envelope: &Envelope) {
    if let Some(hint) = for_status(envelope.status_code) {
        eprintln!("hint: {hint}");
    }
}
