//! The PDF/A-3 document.
use crate::{Error, Invoice, Seller};

pub(crate) fn render(_inv: &Invoice, _seller: &Seller, _xml: &str) -> Result<Vec<u8>, Error> {
    Err(Error::Render("not implemented yet".into()))
}
