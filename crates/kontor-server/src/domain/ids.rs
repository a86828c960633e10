//! Time-ordered ids (UUIDv7, RFC 9562 §5.7) for rows created in bulk: an import batch's users. Keys that
//! grow with time are appended at the right end of every B-tree they are in (the primary key, the license
//! assignments, the sort indexes that end in `id`) instead of landing on random pages, which is what made
//! an import of 100,000 users slow on both backends. A batch's ids are strictly increasing: RFC 9562 §6.2
//! method 1, an 18-bit counter (in `rand_a` and the top of `rand_b`) starting at a random value below
//! 2^17, after the 48-bit Unix time in milliseconds; the remaining 56 bits are random. The creation time the
//! id reveals is the user's `created_at`, which the API shows anyway.

use rand::rngs::OsRng;
use rand::RngCore;

/// Counter values per millisecond: 2^18.
const COUNTER_SPAN: u32 = 1 << 18;

/// `n` time-ordered, strictly increasing ids (hyphenated lower-case UUIDv7 strings) for time `millis`
/// (Unix milliseconds). Past 2^17 ids the time is moved on by a millisecond, so the order holds for any `n`.
pub fn time_ordered_ids(millis: u64, n: usize) -> Vec<String> {
    let mut rng = OsRng;
    let mut out = Vec::with_capacity(n);
    let mut ms = millis;
    let mut counter = rng.next_u32() % (COUNTER_SPAN / 2);
    for _ in 0..n {
        if counter >= COUNTER_SPAN {
            ms += 1;
            counter = rng.next_u32() % (COUNTER_SPAN / 2);
        }
        let mut bytes = [0u8; 10];
        rng.fill_bytes(&mut bytes[2..]);
        // rand_a (12 bits): the counter's high 12 bits; rand_b's first 6 bits: its low 6 bits.
        bytes[0] = ((counter >> 14) & 0x0f) as u8;
        bytes[1] = ((counter >> 6) & 0xff) as u8;
        bytes[2] = (counter & 0x3f) as u8;
        out.push(
            uuid::Builder::from_unix_timestamp_millis(ms, &bytes)
                .into_uuid()
                .hyphenated()
                .to_string(),
        );
        counter += 1;
    }
    out
}

/// The current Unix time in milliseconds (0 for a clock before 1970).
pub fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
