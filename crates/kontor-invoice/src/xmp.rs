//! Adds the Factur-X XMP properties (`fx:DocumentType`, `DocumentFileName`, `Version`, `ConformanceLevel`)
//! and their PDF/A extension schema description to the XMP packet krilla wrote.
//!
//! krilla 0.8 builds its XMP packet internally and offers no hook to extend it, so this edits the finished
//! file: krilla writes the metadata stream uncompressed and a classic cross-reference table, which makes
//! the edit exact — insert the two `rdf:Description`s before `</rdf:RDF>`, fix the stream's `/Length`,
//! shift the offsets of the objects behind it and `startxref`. Anything unexpected is an error, never a
//! silently broken file (a test re-reads the result with pypdf and the Factur-X library).
use crate::Error;

const PACKET_END: &[u8] = b"</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";
const FX_NS: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

fn fail(what: &str) -> Error {
    Error::Render(format!("Factur-X XMP: {what}"))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn digits_at(bytes: &[u8], start: usize) -> Option<(usize, u64)> {
    let len = bytes
        .get(start..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let text = std::str::from_utf8(bytes.get(start..start + len)?).ok()?;
    Some((start + len, text.parse().ok()?))
}

fn property(name: &str, description: &str) -> String {
    format!(
        "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>\
         <pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>\
         <pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
    )
}

/// The two descriptions to add: the fx properties and the extension schema declaring them.
pub(crate) fn descriptions(file_name: &str, conformance: &str) -> String {
    format!(
        "<rdf:Description rdf:about=\"\" xmlns:fx=\"{FX_NS}\"><fx:DocumentType>INVOICE</fx:DocumentType>\
         <fx:DocumentFileName>{file_name}</fx:DocumentFileName><fx:Version>1.0</fx:Version>\
         <fx:ConformanceLevel>{conformance}</fx:ConformanceLevel></rdf:Description>\
         <rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
         <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\
         <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\
         <pdfaSchema:namespaceURI>{FX_NS}</pdfaSchema:namespaceURI><pdfaSchema:prefix>fx</pdfaSchema:prefix>\
         <pdfaSchema:property><rdf:Seq>{}{}{}{}</rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag>\
         </pdfaExtension:schemas></rdf:Description>",
        property("DocumentFileName", "name of the embedded XML invoice file"),
        property("DocumentType", "INVOICE"),
        property("Version", "The actual version of the Factur-X XML schema"),
        property("ConformanceLevel", "The conformance level of the embedded Factur-X data"),
    )
}

pub(crate) fn add_factur_x(
    pdf: Vec<u8>,
    file_name: &str,
    conformance: &str,
) -> Result<Vec<u8>, Error> {
    let insert = descriptions(file_name, conformance);
    let end = find(&pdf, PACKET_END).ok_or_else(|| fail("no XMP packet"))?;
    if rfind(&pdf, PACKET_END) != Some(end) {
        return Err(fail("two XMP packets"));
    }
    let insert_at = end + "</rdf:Description>".len();
    let obj = rfind(&pdf[..end], b" obj").ok_or_else(|| fail("no metadata object"))?;
    let stream = obj + find(&pdf[obj..end], b"stream").ok_or_else(|| fail("no metadata stream"))?;
    let length_key =
        obj + find(&pdf[obj..stream], b"/Length ").ok_or_else(|| fail("no /Length"))?;
    let digits_start = length_key + "/Length ".len();
    let (digits_end, length) =
        digits_at(&pdf, digits_start).ok_or_else(|| fail("unreadable /Length"))?;
    let new_length = (length + insert.len() as u64).to_string();
    let delta = (new_length.len() + insert.len()) as u64 - (digits_end - digits_start) as u64;

    let startxref = rfind(&pdf, b"startxref").ok_or_else(|| fail("no startxref"))?;
    let xref_num_start = startxref + "startxref".len() + 1;
    let (xref_num_end, xref) =
        digits_at(&pdf, xref_num_start).ok_or_else(|| fail("unreadable startxref"))?;
    let xref = usize::try_from(xref).map_err(|_| fail("startxref out of range"))?;
    if xref <= insert_at || !pdf.get(xref..).is_some_and(|r| r.starts_with(b"xref")) {
        return Err(fail("no classic cross-reference table behind the metadata"));
    }

    let mut out = Vec::with_capacity(pdf.len() + insert.len() + 8);
    out.extend_from_slice(&pdf[..digits_start]);
    out.extend_from_slice(new_length.as_bytes());
    out.extend_from_slice(&pdf[digits_end..insert_at]);
    out.extend_from_slice(insert.as_bytes());
    out.extend_from_slice(&pdf[insert_at..xref]);
    // The table: "xref", then subsections "first count" each followed by 20-byte entries.
    let mut pos = xref + "xref".len();
    let skip_eol = |pos: &mut usize| {
        while pdf
            .get(*pos)
            .is_some_and(|b| *b == b'\r' || *b == b'\n' || *b == b' ')
        {
            *pos += 1;
        }
    };
    skip_eol(&mut pos);
    let mut table = pdf[xref..pos].to_vec();
    while !pdf[pos..].starts_with(b"trailer") {
        let (after_first, _) = digits_at(&pdf, pos).ok_or_else(|| fail("bad xref subsection"))?;
        let (after_count, entries) =
            digits_at(&pdf, after_first + 1).ok_or_else(|| fail("bad xref subsection"))?;
        let mut line_end = after_count;
        skip_eol(&mut line_end);
        table.extend_from_slice(&pdf[pos..line_end]);
        pos = line_end;
        for _ in 0..entries {
            let entry = pdf
                .get(pos..pos + 20)
                .ok_or_else(|| fail("short xref entry"))?;
            let (_, offset) = digits_at(entry, 0).ok_or_else(|| fail("bad xref entry"))?;
            if entry[17] == b'n' && offset as usize > digits_start {
                table.extend_from_slice(format!("{:010}", offset + delta).as_bytes());
                table.extend_from_slice(&entry[10..]);
            } else {
                table.extend_from_slice(entry);
            }
            pos += 20;
        }
    }
    out.extend_from_slice(&table);
    out.extend_from_slice(&pdf[pos..xref_num_start]);
    out.extend_from_slice((xref as u64 + delta).to_string().as_bytes());
    out.extend_from_slice(&pdf[xref_num_end..]);
    Ok(out)
}
