//! Fuzz target `http_range`: `kontor_api::http_range::range_answer` on arbitrary `Range` / `If-Range` headers
//! and file sizes never panics, never answers a part outside the file, and agrees with a direct reading of
//! RFC 9110 for the well-formed single ranges it builds from the same bytes.
#![no_main]

use kontor_api::http_range::{range_answer, RangeAnswer};
use libfuzzer_sys::fuzz_target;

const ETAG: &str = "\"0123abcd\"";

fn in_file(answer: RangeAnswer, size: u64) {
    if let RangeAnswer::Part { start, end } = answer {
        assert!(start <= end, "{answer:?} of {size}");
        assert!(end < size, "{answer:?} of {size}");
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    // Byte 0 picks small or large sizes (edge cases near 0 and near u64::MAX both matter).
    let raw = u64::from_le_bytes(data[1..9].try_into().expect("8 bytes"));
    let size = match data[0] % 3 {
        0 => raw % 64,
        1 => raw,
        _ => u64::MAX - (raw % 64),
    };
    let rest = &data[9..];
    let text = String::from_utf8_lossy(rest);
    // The header as sent, with and without an If-Range (ours, or the text itself).
    let (range, if_range) = text.split_once('\n').unwrap_or((&text, ""));
    for ir in [None, Some(ETAG), Some(if_range)] {
        let answer = range_answer(Some(range), ir, ETAG, size);
        in_file(answer, size);
        if ir.is_some_and(|t| t.trim() != ETAG) {
            assert_eq!(
                answer,
                RangeAnswer::Whole,
                "another If-Range answers the whole file"
            );
        }
    }
    assert_eq!(range_answer(None, None, ETAG, size), RangeAnswer::Whole);

    // Well-formed single ranges from the same bytes, against the RFC's meaning (for any real file size: the
    // parser refuses numbers of 20 digits, which no file reaches).
    if rest.len() >= 16 && size < 1_000_000_000_000_000_000 {
        let a = u64::from_le_bytes(rest[0..8].try_into().expect("8 bytes"))
            % (size.saturating_add(8)).max(1);
        let b = u64::from_le_bytes(rest[8..16].try_into().expect("8 bytes"))
            % (size.saturating_add(8)).max(1);
        let expected = if size == 0 || a > b || a >= size {
            RangeAnswer::Unsatisfiable
        } else {
            RangeAnswer::Part {
                start: a,
                end: b.min(size - 1),
            }
        };
        assert_eq!(
            range_answer(Some(&format!("bytes={a}-{b}")), None, ETAG, size),
            expected
        );
        let open = if size == 0 || a >= size {
            RangeAnswer::Unsatisfiable
        } else {
            RangeAnswer::Part {
                start: a,
                end: size - 1,
            }
        };
        assert_eq!(
            range_answer(Some(&format!("bytes={a}-")), None, ETAG, size),
            open
        );
        let suffix = if size == 0 || b == 0 {
            RangeAnswer::Unsatisfiable
        } else {
            RangeAnswer::Part {
                start: size - b.min(size),
                end: size - 1,
            }
        };
        assert_eq!(
            range_answer(Some(&format!("bytes=-{b}")), None, ETAG, size),
            suffix
        );
    }
});
