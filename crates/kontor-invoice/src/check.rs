//! The rules an invoice must meet before it is rendered.
use crate::{Error, Invoice, Seller};

pub(crate) fn check(_inv: &Invoice) -> Result<(), Error> {
    Ok(())
}

pub(crate) fn check_seller(_seller: &Seller) -> Result<(), Error> {
    Ok(())
}
