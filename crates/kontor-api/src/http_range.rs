//! The HTTP `Range` / `If-Range` rule of the portal's file answers (installers, app updates), as a pure
//! function: the server's downloads handler calls it and `crates/kontor-api/fuzz` (target `http_range`) fuzzes
//! it. Only single ranges are honoured: `bytes=a-b`, `bytes=a-`, `bytes=-n`; a list of ranges answers the whole
//! file (RFC 9110 allows that), a malformed or unsatisfiable one 416.

/// The part of a file a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAnswer {
    /// 200 with every byte.
    Whole,
    /// 206 with bytes `start..=end`.
    Part { start: u64, end: u64 },
    /// 416.
    Unsatisfiable,
}

/// Decides what to send for `Range` / `If-Range` headers of a file of `size` bytes whose ETag is `etag`.
pub fn range_answer(
    range: Option<&str>,
    if_range: Option<&str>,
    etag: &str,
    size: u64,
) -> RangeAnswer {
    let Some(range) = range else {
        return RangeAnswer::Whole;
    };
    if let Some(ir) = if_range {
        // Only a strong entity tag equal to ours keeps the range; a date or another tag: the whole file.
        if ir.trim() != etag {
            return RangeAnswer::Whole;
        }
    }
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return RangeAnswer::Unsatisfiable;
    };
    if spec.contains(',') {
        return RangeAnswer::Whole;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeAnswer::Unsatisfiable;
    };
    let num = |s: &str| -> Option<u64> {
        let s = s.trim();
        if s.is_empty() || s.len() > 19 || !s.bytes().all(|c| c.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    if size == 0 {
        return RangeAnswer::Unsatisfiable;
    }
    match (a.trim().is_empty(), b.trim().is_empty()) {
        // `-n`: the last n bytes.
        (true, false) => match num(b) {
            Some(n) if n > 0 => RangeAnswer::Part {
                start: size - n.min(size),
                end: size - 1,
            },
            _ => RangeAnswer::Unsatisfiable,
        },
        // `a-`.
        (false, true) => match num(a) {
            Some(start) if start < size => RangeAnswer::Part {
                start,
                end: size - 1,
            },
            _ => RangeAnswer::Unsatisfiable,
        },
        // `a-b`.
        (false, false) => match (num(a), num(b)) {
            (Some(start), Some(end)) if start <= end && start < size => RangeAnswer::Part {
                start,
                end: end.min(size - 1),
            },
            _ => RangeAnswer::Unsatisfiable,
        },
        (true, true) => RangeAnswer::Unsatisfiable,
    }
}
