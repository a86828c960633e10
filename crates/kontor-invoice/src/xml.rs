//! The UN/CEFACT CII D16B document (Factur-X EN 16931 / XRechnung 3.0).
use crate::{Invoice, Seller};

pub(crate) fn render(_inv: &Invoice, _seller: &Seller) -> String {
    String::new()
}
