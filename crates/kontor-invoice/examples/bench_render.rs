//! Times rendering: one invoice PDF (the 3-line domestic sample and a 60-line one, 5 pages), its CII XML,
//! and as the baseline an empty one-page PDF from krilla in the same run. Prints p50/p99 over N renders
//! (default 200): `cargo run --release -p kontor-invoice --example bench_render [N]`.
use std::time::{Duration, Instant};

use kontor_invoice::{cii_xml, pdf, testing};

fn time(n: usize, mut f: impl FnMut() -> usize) -> (Duration, Duration, usize) {
    let mut bytes = f(); // warm-up
    let mut samples: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            bytes = std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    samples.sort();
    let at =
        |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    (at(0.50), at(0.99), bytes)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(200);
    let seller = testing::seller();
    let domestic = testing::domestic();
    let many = testing::many_lines(60);
    pdf(&domestic, &seller)?;

    let rows: Vec<(&str, (Duration, Duration, usize))> = vec![
        (
            "baseline: empty one-page PDF (krilla)",
            time(n, || {
                let mut doc = krilla::Document::new();
                if let Some(settings) = krilla::page::PageSettings::from_wh(595.28, 841.89) {
                    doc.start_page_with(settings).finish();
                }
                doc.finish().map(|b| b.len()).unwrap_or(0)
            }),
        ),
        (
            "invoice PDF, 3 lines, 1 page",
            time(n, || pdf(&domestic, &seller).map(|b| b.len()).unwrap_or(0)),
        ),
        (
            "invoice PDF, 60 lines, 5 pages",
            time(n, || pdf(&many, &seller).map(|b| b.len()).unwrap_or(0)),
        ),
        (
            "CII XML, 3 lines",
            time(n, || {
                cii_xml(&domestic, &seller).map(|x| x.len()).unwrap_or(0)
            }),
        ),
        (
            "CII XML, 60 lines",
            time(n, || cii_xml(&many, &seller).map(|x| x.len()).unwrap_or(0)),
        ),
    ];
    println!("{n} renders each");
    println!("{:<40} {:>10} {:>10} {:>9}", "what", "p50", "p99", "bytes");
    for (what, (p50, p99, bytes)) in rows {
        println!(
            "{what:<40} {:>8.2}ms {:>8.2}ms {bytes:>9}",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
    Ok(())
}
