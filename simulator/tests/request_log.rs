//! The request log, keep-alive and connection handling.

mod common;

use common::{Conn, Sim};
use knowbe4_simulator::{RecordedRequest, Simulator, SimulatorConfig};

#[test]
fn log_records_api_requests_with_redacted_auth() {
    let s = Sim::start();
    let mut c = s.conn();
    c.request(
        "GET",
        "/v1/training/enrollments?page=2&per_page=50&campaign_id=%20",
        &[("X-KB4-Integration", "tests")],
        b"",
    );
    Conn::open(s.sim.addr(), Some("bad")).get("/v1/account");
    c.get("/_sim/health");
    let log = s.sim.requests();
    assert_eq!(log.len(), 2, "{log:?}");
    let a = &log[0];
    assert_eq!(a.method, "GET");
    assert_eq!(a.path, "/v1/training/enrollments");
    assert_eq!(a.query, "page=2&per_page=50&campaign_id=%20");
    assert!(a.authorized);
    assert_eq!(a.header("authorization"), Some("<redacted>"));
    assert_eq!(a.header("X-KB4-Integration"), Some("tests"));
    assert!(
        a.headers.iter().any(|(n, _)| n == "Authorization"),
        "casing kept"
    );
    assert!(!format!("{log:?}").contains("sim-token"));
    assert!(!log[1].authorized);
    assert_eq!(log[1].query, "");

    // Over HTTP too.
    let over_http: Vec<RecordedRequest> =
        serde_json::from_value(c.get("/_sim/requests").json()).unwrap();
    assert_eq!(over_http, log);
    assert_eq!(c.request("DELETE", "/_sim/requests", &[], b"").status, 200);
    assert!(s.sim.requests().is_empty());
    c.get("/v1/account");
    s.sim.clear_requests();
    assert!(s.sim.requests().is_empty());
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let s = Sim::start();
    let mut c = s.conn();
    let a = c.get("/v1/training/policies");
    let b = c.get("/v1/account");
    assert_eq!((a.status, b.status), (200, 200));
    assert!(a.header("Connection").is_none());
    // Pipelined requests are answered in order.
    c.send_raw(
        b"GET /v1/account HTTP/1.1\r\nAuthorization: Bearer sim-token\r\n\r\nGET /nope HTTP/1.1\r\nAuthorization: Bearer sim-token\r\n\r\n",
    );
    assert_eq!(c.read_response().unwrap().status, 200);
    assert_eq!(c.read_response().unwrap().status, 404);
    // Connection: close is honoured.
    let r = c.request("GET", "/v1/account", &[("Connection", "close")], b"");
    assert_eq!(r.header("Connection"), Some("close"));
    assert!(c.read_response().is_none());
}

#[test]
fn malformed_request_closes_connection() {
    let s = Sim::start();
    let mut c = s.conn();
    c.send_raw(b"GARBAGE\x01\x02 \r\n\r\n");
    assert!(c.read_response().is_none());
    assert_eq!(s.get("/_sim/health").status, 200);
}

#[test]
fn shutdown_over_http_and_wait() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let mut c = Conn::open(sim.addr(), None);
    assert_eq!(c.request("POST", "/_sim/shutdown", &[], b"").status, 200);
    sim.wait();
    assert!(std::net::TcpStream::connect(sim.addr()).is_err());
    assert!(sim.url().starts_with("http://127.0.0.1:"));
    sim.shutdown();
}

#[tokio::test(flavor = "current_thread")]
async fn works_inside_another_runtime() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let addr = sim.addr();
    let status = tokio::task::spawn_blocking(move || {
        Conn::open(addr, Some("sim-token"))
            .get("/v1/account")
            .status
    })
    .await
    .unwrap();
    assert_eq!(status, 200);
    drop(sim);
}

#[test]
fn expect_100_continue_is_answered_before_the_body() {
    let s = Sim::start();
    let mut c = Conn::open(s.sim.addr(), None);
    let body = br#"[{"fault":{"kind":"html503"}}]"#;
    c.send_raw(
        format!(
            "PUT /_sim/faults HTTP/1.1\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    let mut interim = [0u8; 25];
    std::io::Read::read_exact(c.reader_mut(), &mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    c.send_raw(body);
    assert_eq!(c.read_response().unwrap().status, 200);
    assert_eq!(s.get("/v1/account").status, 503);
}
