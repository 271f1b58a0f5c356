//! A strict HTTP/1.1 client over raw TCP. It sends whatever bytes a test
//! makes, and reads each response by its framing, so a response cut short or
//! framed wrongly is seen rather than smoothed over as a client library would.

use std::io::{self, BufRead, BufReader, ErrorKind, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

/// One final response (interim `100 Continue` responses are skipped).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// The server said `Connection: close`.
    pub close: bool,
    pub body: Vec<u8>,
}

/// What came back for one request.
#[derive(Debug)]
pub enum Reply {
    Response(Response),
    /// The connection ended (EOF or reset) before a byte of a response.
    Closed,
}

/// A connection with a deadline on every read and write.
pub struct Connection {
    reader: BufReader<TcpStream>,
}

impl Connection {
    pub fn open(address: SocketAddr, deadline: Duration) -> io::Result<Self> {
        let stream = TcpStream::connect_timeout(&address, deadline)?;
        stream.set_read_timeout(Some(deadline))?;
        stream.set_write_timeout(Some(deadline))?;
        stream.set_nodelay(true)?;
        Ok(Self {
            reader: BufReader::new(stream),
        })
    }

    /// How long a read waits before it reports "no answer in time".
    pub fn set_read_timeout(&mut self, timeout: Duration) {
        let _ = self.reader.get_ref().set_read_timeout(Some(timeout));
    }

    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.reader.get_mut().write_all(bytes)
    }

    /// Tells the server nothing more will come (a truncated request ends here).
    pub fn finish_sending(&mut self) {
        let _ = self.reader.get_ref().shutdown(Shutdown::Write);
    }

    /// Reads one reply; `head` says the request was a HEAD, whose response
    /// has a length but no body. An error describes what was wrong.
    pub fn read(&mut self, head: bool) -> Result<Reply, String> {
        read_reply(&mut self.reader, head)
    }
}

fn read_reply(reader: &mut impl BufRead, head: bool) -> Result<Reply, String> {
    loop {
        let status_line = match read_line(reader) {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(Reply::Closed),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Ok(Reply::Closed),
            Err(e) => return Err(describe(&e, "before the status line")),
        };
        let status = parse_status(&status_line)?;
        let mut length = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            let line = read_line(reader)
                .map_err(|e| describe(&e, "in the headers"))?
                .ok_or("the connection ended in the headers")?;
            if line.is_empty() {
                break;
            }
            let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
            let (name, value) = text.split_once(':').ok_or(format!("bad header {text:?}"))?;
            match (name.trim(), value.trim()) {
                ("content-length", v) => {
                    length = Some(v.parse::<usize>().map_err(|_| format!("bad length {v}"))?)
                }
                ("transfer-encoding", v) => chunked = v.contains("chunked"),
                ("connection", v) => close = v.contains("close"),
                _ => {}
            }
        }
        if (100..200).contains(&status) {
            continue;
        }
        let body = if head || status == 204 || status == 304 {
            Vec::new()
        } else if chunked {
            read_chunked(reader)?
        } else {
            let length = length.ok_or("a response with no length")?;
            let mut body = vec![0; length];
            reader
                .read_exact(&mut body)
                .map_err(|e| describe(&e, &format!("in a body of {length} bytes")))?;
            body
        };
        return Ok(Reply::Response(Response {
            status,
            close,
            body,
        }));
    }
}

/// A line without its line ending; `None` at a clean end of stream.
fn read_line(reader: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    if reader.read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    if line.pop() != Some(b'\n') {
        return Err(io::Error::new(ErrorKind::UnexpectedEof, "a line cut short"));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(line))
}

fn parse_status(line: &[u8]) -> Result<u16, String> {
    let text = String::from_utf8_lossy(line);
    let mut parts = text.splitn(3, ' ');
    match (parts.next(), parts.next().map(str::parse::<u16>)) {
        (Some("HTTP/1.1" | "HTTP/1.0"), Some(Ok(status))) => Ok(status),
        _ => Err(format!("bad status line {text:?}")),
    }
}

fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader)
            .map_err(|e| describe(&e, "in a chunk size"))?
            .ok_or("the connection ended in a chunked body")?;
        let size = String::from_utf8_lossy(&line);
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("bad chunk size {size:?}"))?;
        if size == 0 {
            // Trailers, up to the blank line.
            while read_line(reader)
                .map_err(|e| describe(&e, "in trailers"))?
                .is_some_and(|l| !l.is_empty())
            {}
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + size + 2, 0);
        reader
            .read_exact(&mut body[start..])
            .map_err(|e| describe(&e, "in a chunk"))?;
        body.truncate(start + size);
    }
}

fn describe(error: &io::Error, place: &str) -> String {
    match error.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!("no answer in time ({place})"),
        ErrorKind::UnexpectedEof => format!("the response was cut short {place}"),
        _ => format!("{error} {place}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Reply, String> {
        read_reply(&mut &bytes[..], false)
    }

    #[test]
    fn a_whole_response_is_read_by_its_length() {
        let reply = read(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n42").unwrap();

        assert!(matches!(reply, Reply::Response(r) if r.status == 200 && r.body == b"42"));
    }

    #[test]
    fn a_body_shorter_than_its_length_is_an_error() {
        let error = read(b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n42").unwrap_err();

        assert!(error.contains("cut short"), "{error}");
    }

    #[test]
    fn nothing_at_all_is_a_closed_connection() {
        assert!(matches!(read(b""), Ok(Reply::Closed)));
    }

    #[test]
    fn interim_responses_are_skipped() {
        let reply = read(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
        )
        .unwrap();

        assert!(matches!(reply, Reply::Response(r) if r.status == 200 && r.close));
    }
}
