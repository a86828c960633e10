//! A small SMTP listener for tests: speaks just enough SMTP for `lettre` (EHLO, MAIL, RCPT, DATA, RSET,
//! NOOP, QUIT, no TLS), keeps every message it accepted, and can be told how to treat each next
//! connection (refuse it, answer 4xx or 5xx, or read a message and never answer), so the outbox's retries
//! and crash rule can be tested. Also used by the app's e2e tests (`#[path]`).
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// How the sink treats one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Accept every message.
    Accept,
    /// Close the connection at once (like a dead server behind a port).
    Drop,
    /// `451` to `MAIL FROM` (try again later).
    TempFail,
    /// `550` to `RCPT TO` (never).
    PermFail,
    /// Read the whole message and never answer it (the client dies waiting).
    HangAfterData,
}

/// A message as the sink received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body, CRLF lines, dot-unstuffed).
    pub data: String,
}

impl Received {
    /// A top-level header's value (unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with(' ') || line.starts_with('\t') {
                if let Some(v) = value.as_mut() {
                    v.push_str(line.trim_start());
                }
                continue;
            }
            if value.is_some() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case(name) {
                    value = Some(v.trim().to_string());
                }
            }
        }
        value
    }

    /// The decoded body of the first MIME part with this content type (`text/plain`, `text/html`).
    pub fn part(&self, content_type: &str) -> Option<String> {
        let lower = self.data.to_ascii_lowercase();
        let at = lower.find(&format!("content-type: {content_type}"))?;
        let part_head_end = self.data[at..].find("\r\n\r\n")? + at;
        let head = &lower[at..part_head_end];
        let rest = &self.data[part_head_end + 4..];
        let end = rest.find("\r\n--").unwrap_or(rest.len());
        let raw = &rest[..end];
        if head.contains("content-transfer-encoding: base64") {
            String::from_utf8(decode_base64(raw)?).ok()
        } else if head.contains("content-transfer-encoding: quoted-printable") {
            Some(decode_qp(raw))
        } else {
            Some(raw.to_string())
        }
    }
}

/// Standard base64 with padding, whitespace ignored (no dependency: the app's e2e tests use this file too).
fn decode_base64(raw: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in raw.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

fn decode_qp(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct Shared {
    script: VecDeque<Mode>,
    accepted: Vec<Received>,
    /// Messages read but not answered (`HangAfterData`) or refused.
    unanswered: Vec<Received>,
    connections: usize,
}

/// A running sink on `127.0.0.1:0`; it stops when dropped.
pub struct SmtpSink {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let addr = listener.local_addr().expect("sink addr");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let s = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    break;
                };
                let mode = {
                    let mut g = s.lock().expect("sink lock");
                    g.connections += 1;
                    g.script.pop_front().unwrap_or(Mode::Accept)
                };
                let s2 = s.clone();
                tokio::spawn(async move {
                    let _ = session(sock, mode, s2).await;
                });
            }
        });
        Self { addr, shared, task }
    }

    /// `smtp://127.0.0.1:PORT` (plain, loopback).
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The modes of the next connections, in order (then `Accept`).
    pub fn script(&self, modes: &[Mode]) {
        self.shared
            .lock()
            .expect("sink lock")
            .script
            .extend(modes.iter().copied());
    }

    pub fn accepted(&self) -> Vec<Received> {
        self.shared.lock().expect("sink lock").accepted.clone()
    }

    pub fn unanswered(&self) -> Vec<Received> {
        self.shared.lock().expect("sink lock").unanswered.clone()
    }

    pub fn connections(&self) -> usize {
        self.shared.lock().expect("sink lock").connections
    }

    /// Waits up to `secs` until `n` messages were accepted; answers them.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.accepted();
            if got.len() >= n || std::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn session(
    sock: tokio::net::TcpStream,
    mode: Mode,
    shared: Arc<Mutex<Shared>>,
) -> std::io::Result<()> {
    if mode == Mode::Drop {
        drop(sock);
        return Ok(());
    }
    let (r, mut w) = sock.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 sink ESMTP test\r\n").await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            w.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            if mode == Mode::TempFail {
                w.write_all(b"451 4.3.0 try again later\r\n").await?;
            } else {
                from = cmd[10..].trim().to_string();
                w.write_all(b"250 OK\r\n").await?;
            }
        } else if upper.starts_with("RCPT TO:") {
            if mode == Mode::PermFail {
                w.write_all(b"550 5.1.1 no such user\r\n").await?;
            } else {
                to.push(cmd[8..].trim().to_string());
                w.write_all(b"250 OK\r\n").await?;
            }
        } else if upper == "DATA" {
            w.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let l = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(l);
            }
            let msg = Received {
                from: from.clone(),
                to: std::mem::take(&mut to),
                data,
            };
            if mode == Mode::HangAfterData {
                shared.lock().expect("sink lock").unanswered.push(msg);
                // Never answer; the client gives up or dies.
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
            shared.lock().expect("sink lock").accepted.push(msg);
            w.write_all(b"250 2.0.0 queued\r\n").await?;
        } else if upper == "RSET" || upper == "NOOP" {
            w.write_all(b"250 OK\r\n").await?;
        } else if upper == "QUIT" {
            w.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            w.write_all(b"502 not implemented\r\n").await?;
        }
    }
}
