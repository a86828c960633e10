//! Writes every sample invoice as PDF and XML into the folder given as the argument (for a look).
use kontor_invoice::{cii_xml, pdf, testing};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: render_samples DIR")?;
    std::fs::create_dir_all(&dir)?;
    for (name, inv) in testing::all() {
        std::fs::write(format!("{dir}/{name}.pdf"), pdf(&inv, &testing::seller())?)?;
        std::fs::write(
            format!("{dir}/{name}.xml"),
            cii_xml(&inv, &testing::seller())?,
        )?;
    }
    Ok(())
}
