//! A tiny blocking HTTP/1.1 client over `std::net::TcpStream` for the simulator tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use knowbe4_simulator::{Simulator, SimulatorConfig};
use serde_json::Value;

/// A response as received.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub reason: String,
    /// Header lines exactly as sent (name casing preserved).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One keep-alive connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
    pub token: Option<String>,
}

impl Conn {
    pub fn open(addr: SocketAddr, token: Option<&str>) -> Conn {
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        Conn {
            reader: BufReader::new(stream),
            token: token.map(str::to_string),
        }
    }

    pub fn reader_mut(&mut self) -> &mut BufReader<TcpStream> {
        &mut self.reader
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.reader.get_mut().write_all(bytes).unwrap();
    }

    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let mut req = format!("{method} {target} HTTP/1.1\r\nHost: sim\r\n");
        if let Some(t) = &self.token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        for (n, v) in extra {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        if !body.is_empty() || method == "PUT" || method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        let mut all = req.into_bytes();
        all.extend_from_slice(body);
        self.send_raw(&all);
        self.read_response().expect("a response")
    }

    pub fn get(&mut self, target: &str) -> Resp {
        self.request("GET", target, &[], b"")
    }

    /// Read one response; `None` if the connection closed before a status line.
    pub fn read_response(&mut self) -> Option<Resp> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let mut parts = line.trim_end().splitn(3, ' ');
        assert_eq!(parts.next(), Some("HTTP/1.1"));
        let status: u16 = parts.next()?.parse().ok()?;
        let reason = parts.next().unwrap_or("").to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h).ok()?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (n, v) = h.split_once(": ").expect("header line");
            headers.push((n.to_string(), v.to_string()));
        }
        let len: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().unwrap())
            .expect("Content-Length");
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).ok()?;
        Some(Resp {
            status,
            reason,
            headers,
            body,
        })
    }
}

/// A started simulator plus helpers that open a fresh authorised connection per call.
pub struct Sim {
    pub sim: Simulator,
}

impl Sim {
    pub fn start() -> Sim {
        Sim::with(SimulatorConfig::default())
    }

    pub fn with(config: SimulatorConfig) -> Sim {
        Sim {
            sim: Simulator::start(config).expect("simulator starts"),
        }
    }

    pub fn conn(&self) -> Conn {
        Conn::open(self.sim.addr(), Some(self.sim.token()))
    }

    pub fn get(&self, target: &str) -> Resp {
        self.conn().get(target)
    }

    /// GET, assert 200, parse JSON.
    pub fn json(&self, target: &str) -> Value {
        let r = self.get(target);
        assert_eq!(r.status, 200, "{target}: {}", r.text());
        r.json()
    }

    /// GET and return the JSON array's length.
    pub fn count(&self, target: &str) -> usize {
        self.json(target).as_array().expect("array").len()
    }
}
