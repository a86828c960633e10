//! The PDF/A-3u (every glyph maps to Unicode) document, drawn with `krilla`: an A4 invoice in the invoice's
//! language with the CII XML embedded as an associated file (`/AFRelationship /Alternative`), fonts (DejaVu
//! Sans, shipped in `fonts/`) embedded and subset. krilla 0.8 writes the XMP packet itself and has no way to
//! add to it, so `xmp::add_factur_x` adds the Factur-X properties and their PDF/A extension schema afterwards (see
//! there).
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use crate::check::by_rate;
use crate::money::{count, money, rate};
use crate::texts::{date, payment_terms, span, texts, Texts};
use crate::{xml_file_name, Date, Error, Invoice, Kind, Lang, Payment, Seller};

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 56.0;
/// Content ends above this line; the footer is below it.
const BOTTOM: f32 = 745.0;
const FOOTER: f32 = 772.0;

// Table columns: position, description (left edges), quantity, unit price, VAT, net (right edges).
const COL_DESC: f32 = LEFT + 28.0;
const DESC_W: f32 = 232.0;
const COL_QTY: f32 = 362.0;
const COL_PRICE: f32 = 432.0;
const COL_VAT: f32 = 472.0;
/// The most lines a description takes in the table (a page holds about 55).
const MAX_DESC_LINES: usize = 30;

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

#[derive(Clone, Copy, PartialEq)]
enum Face {
    Regular,
    Bold,
}

/// One drawing operation; pages are laid out first, drawn once the page count is known.
enum Op {
    Text {
        x: f32,
        y: f32,
        text: String,
        face: Face,
        size: f32,
        gray: u8,
    },
    Rule {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: u8,
    },
}

/// Glyph widths for layout, from the same font files krilla embeds.
struct Metrics<'a> {
    regular: (FontRef<'a>, GlyphMetrics<'a>),
    bold: (FontRef<'a>, GlyphMetrics<'a>),
}

impl Metrics<'static> {
    fn new() -> Result<Self, Error> {
        let load =
            |bytes: &'static [u8]| -> Result<(FontRef<'static>, GlyphMetrics<'static>), Error> {
                let font = FontRef::new(bytes).map_err(|e| Error::Render(format!("font: {e}")))?;
                let metrics = font.glyph_metrics(Size::new(1.0), LocationRef::default());
                Ok((font, metrics))
            };
        Ok(Metrics {
            regular: load(REGULAR)?,
            bold: load(BOLD)?,
        })
    }
}

impl Metrics<'_> {
    fn face(&self, face: Face) -> &(FontRef<'_>, GlyphMetrics<'_>) {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    fn width(&self, text: &str, face: Face, size: f32) -> f32 {
        let (font, metrics) = self.face(face);
        let charmap = font.charmap();
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(0.6)
            })
            .sum::<f32>()
            * size
    }

    /// The text with every character the font has no glyph for replaced (PDF/A forbids .notdef).
    fn printable(&self, text: &str) -> String {
        let charmap = self.regular.0.charmap();
        let bold = self.bold.0.charmap();
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .map(|c| {
                if c == ' ' || (charmap.map(c).is_some() && bold.map(c).is_some()) {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// Breaks `text` into lines no wider than `width`; words longer than a line are cut.
    fn wrap(&self, text: &str, face: Face, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if self.width(&candidate, face, size) <= width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            for c in word.chars() {
                current.push(c);
                if self.width(&current, face, size) > width && current.chars().count() > 1 {
                    current.pop();
                    lines.push(std::mem::take(&mut current));
                    current.push(c);
                }
            }
        }
        if !current.is_empty() || lines.is_empty() {
            lines.push(current);
        }
        lines
    }
}

struct Layout<'m> {
    m: &'m Metrics<'static>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: f32, y: f32, text: &str, face: Face, size: f32, align: Align, gray: u8) {
        let text = self.m.printable(text);
        let x = match align {
            Align::Left => x,
            Align::Right => x - self.m.width(&text, face, size),
        };
        self.page().push(Op::Text {
            x,
            y,
            text,
            face,
            size,
            gray,
        });
    }

    fn rule(&mut self, x: f32, y: f32, w: f32, h: f32, gray: u8) {
        self.page().push(Op::Rule { x, y, w, h, gray });
    }
}

struct Doc<'a> {
    inv: &'a Invoice,
    seller: &'a Seller,
    t: &'static Texts,
    lang: Lang,
}

impl Doc<'_> {
    fn money(&self, cents: i64) -> String {
        money(cents, &self.inv.currency, self.lang)
    }

    fn title(&self) -> String {
        match self.inv.kind {
            Kind::Invoice => format!("{} {}", self.t.invoice, self.inv.number),
            Kind::CreditNote { .. } => format!("{} {}", self.t.credit_note, self.inv.number),
        }
    }

    fn first_page_head(&self, l: &mut Layout) {
        let s = &self.seller;
        l.text(
            LEFT,
            62.0,
            &s.address.name,
            Face::Bold,
            15.0,
            Align::Left,
            0,
        );
        let mut right: Vec<String> = vec![s.address.street.clone()];
        right.extend(s.address.street2.clone());
        right.push(format!("{} {}", s.address.postal_code, s.address.city));
        right.push(s.email.clone());
        right.extend(s.phone.as_ref().map(|p| format!("{} {p}", self.t.phone)));
        right.extend(s.website.clone());
        for (i, line) in right.iter().enumerate() {
            l.text(
                RIGHT,
                50.0 + 10.0 * i as f32,
                line,
                Face::Regular,
                8.0,
                Align::Right,
                70,
            );
        }

        let sender = format!(
            "{} · {} · {} {}",
            s.address.name, s.address.street, s.address.postal_code, s.address.city
        );
        l.text(LEFT, 138.0, &sender, Face::Regular, 6.5, Align::Left, 90);
        l.rule(LEFT, 141.0, 240.0, 0.4, 150);

        let b = &self.inv.buyer.address;
        let mut block: Vec<String> = vec![b.name.clone()];
        block.extend(b.addressee.clone());
        block.push(b.street.clone());
        block.extend(b.street2.clone());
        block.push(format!("{} {}", b.postal_code, b.city));
        if b.country != s.address.country {
            block.push(crate::texts::country(&b.country, self.lang));
        }
        let mut y = 158.0;
        for line in &block {
            for part in l.m.wrap(line, Face::Regular, 10.0, 240.0) {
                l.text(LEFT, y, &part, Face::Regular, 10.0, Align::Left, 0);
                y += 13.0;
            }
        }

        let inv = self.inv;
        let t = self.t;
        let mut info: Vec<(&str, String)> = vec![
            (t.number, inv.number.clone()),
            (t.issued_on, date(inv.issued_on, self.lang)),
            (t.period, span(inv.period_start, inv.period_end, self.lang)),
            (t.customer_number, inv.buyer.customer_number.clone()),
        ];
        if let Some(po) = &inv.buyer.po_reference {
            info.push((t.po_reference, po.clone()));
        }
        if let Some(id) = &inv.buyer.leitweg_id {
            info.push((t.leitweg_id, id.clone()));
        }
        if let Some(vat_id) = &inv.buyer.vat_id {
            info.push((t.buyer_vat_id, vat_id.clone()));
        }
        if matches!(
            (&inv.kind, &inv.payment),
            (Kind::Invoice, Payment::Transfer)
        ) {
            info.push((t.due_on, date(inv.due_on, self.lang)));
        }
        for (i, (label, value)) in info.iter().enumerate() {
            let y = 158.0 + 12.5 * i as f32;
            l.text(340.0, y, label, Face::Regular, 8.5, Align::Left, 70);
            l.text(RIGHT, y, value, Face::Regular, 8.5, Align::Right, 0);
        }

        let mut y = y.max(158.0 + 12.5 * info.len() as f32) + 30.0;
        l.text(LEFT, y, &self.title(), Face::Bold, 14.0, Align::Left, 0);
        if let Kind::CreditNote {
            corrects_number,
            corrects_issued_on,
        } = &inv.kind
        {
            y += 16.0;
            let on = date(*corrects_issued_on, self.lang);
            let text = match self.lang {
                Lang::De => format!("{} {corrects_number} vom {on}", t.corrects),
                Lang::En => format!("{} {corrects_number} of {on}", t.corrects),
            };
            l.text(LEFT, y, &text, Face::Regular, 9.5, Align::Left, 0);
        }
        l.y = y + 26.0;
    }

    fn next_page(&self, l: &mut Layout) {
        l.text(
            LEFT,
            LEFT,
            &self.seller.address.name,
            Face::Bold,
            10.0,
            Align::Left,
            0,
        );
        l.text(
            RIGHT,
            LEFT,
            &self.title(),
            Face::Regular,
            9.0,
            Align::Right,
            0,
        );
        l.rule(LEFT, LEFT + 6.0, RIGHT - LEFT, 0.4, 150);
        l.y = LEFT + 34.0;
    }

    /// Starts a new page when `height` does not fit on this one; `table` repeats the table header.
    fn ensure(&self, l: &mut Layout, height: f32, table: bool) {
        if l.y + height <= BOTTOM {
            return;
        }
        l.text(
            RIGHT,
            BOTTOM + 12.0,
            self.t.continued,
            Face::Regular,
            7.5,
            Align::Right,
            90,
        );
        l.pages.push(Vec::new());
        self.next_page(l);
        if table {
            self.table_head(l);
        }
    }

    fn table_head(&self, l: &mut Layout) {
        let t = self.t;
        let y = l.y;
        l.rule(LEFT, y - 11.0, RIGHT - LEFT, 16.0, 235);
        l.text(LEFT + 2.0, y, t.pos, Face::Bold, 8.5, Align::Left, 0);
        l.text(COL_DESC, y, t.description, Face::Bold, 8.5, Align::Left, 0);
        l.text(COL_QTY, y, t.quantity, Face::Bold, 8.5, Align::Right, 0);
        l.text(COL_PRICE, y, t.unit_price, Face::Bold, 8.5, Align::Right, 0);
        l.text(COL_VAT, y, t.vat, Face::Bold, 8.5, Align::Right, 0);
        l.text(RIGHT, y, t.net, Face::Bold, 8.5, Align::Right, 0);
        l.y = y + 18.0;
    }

    fn lines(&self, l: &mut Layout) {
        self.table_head(l);
        for line in &self.inv.lines {
            let mut desc = l.m.wrap(
                &l.m.printable(&line.description),
                Face::Regular,
                8.5,
                DESC_W,
            );
            // A row never outgrows a page: a description beyond MAX_DESC_LINES ends with "…" (the XML
            // carries it whole).
            if desc.len() > MAX_DESC_LINES {
                desc.truncate(MAX_DESC_LINES);
                if let Some(last) = desc.last_mut() {
                    last.push_str(" …");
                }
            }
            let height =
                11.0 * desc.len() as f32 + if line.period.is_some() { 10.0 } else { 0.0 } + 6.0;
            self.ensure(l, height, true);
            let y = l.y;
            l.text(
                LEFT + 2.0,
                y,
                &line.position.to_string(),
                Face::Regular,
                8.5,
                Align::Left,
                0,
            );
            for (i, part) in desc.iter().enumerate() {
                l.text(
                    COL_DESC,
                    y + 11.0 * i as f32,
                    part,
                    Face::Regular,
                    8.5,
                    Align::Left,
                    0,
                );
            }
            if let Some((start, end)) = line.period {
                let py = y + 11.0 * desc.len() as f32 - 1.0;
                l.text(
                    COL_DESC,
                    py,
                    &span(start, end, self.lang),
                    Face::Regular,
                    7.5,
                    Align::Left,
                    90,
                );
            }
            l.text(
                COL_QTY,
                y,
                &count(line.quantity, self.lang),
                Face::Regular,
                8.5,
                Align::Right,
                0,
            );
            l.text(
                COL_PRICE,
                y,
                &self.money(line.unit_price_cents),
                Face::Regular,
                8.5,
                Align::Right,
                0,
            );
            l.text(
                COL_VAT,
                y,
                &rate(line.vat_rate_bp, self.lang),
                Face::Regular,
                8.5,
                Align::Right,
                0,
            );
            l.text(
                RIGHT,
                y,
                &self.money(line.net_cents),
                Face::Regular,
                8.5,
                Align::Right,
                0,
            );
            l.y = y + height;
            l.rule(LEFT, l.y - 9.0, RIGHT - LEFT, 0.3, 200);
        }
    }

    fn totals(&self, l: &mut Layout) {
        let groups = by_rate(self.inv);
        self.ensure(l, 14.0 * (groups.len() as f32 + 2.0) + 10.0, false);
        let label_x = 330.0;
        let mut y = l.y + 4.0;
        l.text(
            label_x,
            y,
            self.t.total_net,
            Face::Regular,
            9.0,
            Align::Left,
            0,
        );
        l.text(
            RIGHT,
            y,
            &self.money(self.inv.net_cents),
            Face::Regular,
            9.0,
            Align::Right,
            0,
        );
        for (bp, (net, vat)) in groups {
            y += 14.0;
            let label = format!(
                "{} {} {} {}",
                self.t.total_vat,
                rate(bp, self.lang),
                self.t.on,
                self.money(net)
            );
            l.text(label_x, y, &label, Face::Regular, 9.0, Align::Left, 0);
            l.text(
                RIGHT,
                y,
                &self.money(vat),
                Face::Regular,
                9.0,
                Align::Right,
                0,
            );
        }
        y += 7.0;
        l.rule(label_x, y, RIGHT - label_x, 0.8, 0);
        y += 13.0;
        l.text(
            label_x,
            y,
            self.t.total_gross,
            Face::Bold,
            10.0,
            Align::Left,
            0,
        );
        l.text(
            RIGHT,
            y,
            &self.money(self.inv.gross_cents),
            Face::Bold,
            10.0,
            Align::Right,
            0,
        );
        l.y = y + 26.0;
    }

    fn paragraph(&self, l: &mut Layout, text: &str, face: Face, size: f32, gray: u8) {
        let lines = l.m.wrap(text, face, size, RIGHT - LEFT);
        let step = size * 1.35;
        self.ensure(l, step * lines.len() as f32, false);
        for line in lines {
            let y = l.y;
            l.text(LEFT, y, &line, face, size, Align::Left, gray);
            l.y += step;
        }
        l.y += size * 0.8;
    }

    fn notes(&self, l: &mut Layout) {
        if self.inv.reverse_charge {
            self.paragraph(l, self.t.reverse_charge_note, Face::Bold, 9.0, 0);
        }
        self.paragraph(
            l,
            &payment_terms(self.inv, self.seller, self.lang),
            Face::Regular,
            9.0,
            0,
        );
        self.paragraph(l, self.t.einvoice_note, Face::Regular, 7.5, 90);
    }

    fn footer(&self, l: &mut Layout, page: usize, pages: usize) {
        let s = self.seller;
        let t = self.t;
        let mut c1: Vec<String> = vec![s.address.name.clone(), s.address.street.clone()];
        c1.push(format!("{} {}", s.address.postal_code, s.address.city));
        c1.extend(s.register.clone());
        c1.extend(
            s.managing_directors
                .as_ref()
                .map(|m| format!("{} {m}", t.managing_directors)),
        );
        let mut c2: Vec<String> = vec![format!("{} {}", t.vat_id, s.vat_id)];
        c2.extend(
            s.tax_number
                .as_ref()
                .map(|n| format!("{} {n}", t.tax_number)),
        );
        c2.push(s.email.clone());
        c2.extend(s.phone.as_ref().map(|p| format!("{} {p}", t.phone)));
        c2.extend(s.website.clone());
        let mut c3: Vec<String> = s.bank.bank_name.iter().cloned().collect();
        c3.push(format!("IBAN {}", s.bank.iban));
        c3.extend(s.bank.bic.as_ref().map(|b| format!("BIC {b}")));
        c3.push(format!("{} {}", t.holder, s.bank.holder));
        l.rule(LEFT, FOOTER, RIGHT - LEFT, 0.4, 150);
        for (x, column) in [(LEFT, c1), (LEFT + 166.0, c2), (LEFT + 332.0, c3)] {
            for (i, line) in column.iter().enumerate() {
                let fitted =
                    l.m.wrap(line, Face::Regular, 6.6, 160.0)
                        .into_iter()
                        .next()
                        .unwrap_or_default();
                l.text(
                    x,
                    FOOTER + 10.0 + 8.2 * i as f32,
                    &fitted,
                    Face::Regular,
                    6.6,
                    Align::Left,
                    70,
                );
            }
        }
        let label = format!("{} {} {} {}", t.page, page, t.of, pages);
        l.text(
            RIGHT,
            PAGE_H - 18.0,
            &label,
            Face::Regular,
            7.0,
            Align::Right,
            70,
        );
    }
}

fn layout(inv: &Invoice, seller: &Seller, m: &Metrics<'static>) -> Vec<Vec<Op>> {
    let doc = Doc {
        inv,
        seller,
        t: texts(inv.language),
        lang: inv.language,
    };
    let mut l = Layout {
        m,
        pages: vec![Vec::new()],
        y: 0.0,
    };
    doc.first_page_head(&mut l);
    doc.lines(&mut l);
    doc.totals(&mut l);
    doc.notes(&mut l);
    let pages = l.pages.len();
    for page in 0..pages {
        // Footers go onto each page after the fact, when the page count is known.
        let mut footer = Layout {
            m,
            pages: vec![Vec::new()],
            y: 0.0,
        };
        doc.footer(&mut footer, page + 1, pages);
        let ops = footer.pages.into_iter().flatten();
        l.pages[page].extend(ops);
    }
    l.pages
}

fn pdf_date(d: Date) -> DateTime {
    DateTime::new(u16::try_from(d.year()).unwrap_or(2000))
        .month(u8::from(d.month()))
        .day(d.day())
        .hour(0)
        .minute(0)
        .second(0)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

fn fill(gray: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(gray, gray, gray).into(),
        ..Fill::default()
    }
}

fn draw(surface: &mut Surface, ops: &[Op], regular: &Font, bold: &Font) {
    for op in ops {
        match op {
            Op::Text {
                x,
                y,
                text,
                face,
                size,
                gray,
                ..
            } => {
                surface.set_fill(Some(fill(*gray)));
                let font = if *face == Face::Bold { bold } else { regular };
                surface.draw_text(
                    Point::from_xy(*x, *y),
                    font.clone(),
                    *size,
                    text,
                    false,
                    TextDirection::Auto,
                );
            }
            Op::Rule { x, y, w, h, gray } => {
                if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(fill(*gray)));
                        surface.draw_path(&path);
                    }
                }
            }
        }
    }
}

/// The two fonts, parsed (and hashed by krilla) once per process.
fn fonts() -> Option<&'static (Font, Font)> {
    static FONTS: std::sync::OnceLock<Option<(Font, Font)>> = std::sync::OnceLock::new();
    FONTS
        .get_or_init(|| Some((Font::new(REGULAR.into(), 0)?, Font::new(BOLD.into(), 0)?)))
        .as_ref()
}

pub(crate) fn render(inv: &Invoice, seller: &Seller, xml: &str) -> Result<Vec<u8>, Error> {
    let metrics = Metrics::new()?;
    let pages = layout(inv, seller, &metrics);

    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_U)
        .finish()
        .map_err(|e| Error::Render(format!("PDF configuration: {e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let (regular, bold) =
        fonts().ok_or_else(|| Error::Render("the embedded fonts do not load".into()))?;
    let size = krilla::geom::Size::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| Error::Render("page size".into()))?;
    for ops in &pages {
        let mut page = document.start_page_with(PageSettings::new(size));
        let mut surface = page.surface();
        draw(&mut surface, ops, regular, bold);
        surface.finish();
        page.finish();
    }

    let title = Doc {
        inv,
        seller,
        t: texts(inv.language),
        lang: inv.language,
    }
    .title();
    document.set_metadata(
        Metadata::new()
            .title(title)
            .authors(vec![seller.address.name.clone()])
            .language(match inv.language {
                Lang::De => "de".into(),
                Lang::En => "en".into(),
            })
            .creator("Kontor".into())
            .creation_date(pdf_date(inv.issued_on)),
    );
    let file_name = xml_file_name(inv);
    document
        .embed_file(EmbeddedFile {
            path: file_name.into(),
            mime_type: MimeType::new("text/xml"),
            description: Some(
                if inv.buyer.leitweg_id.is_some() {
                    "XRechnung"
                } else {
                    "Factur-X"
                }
                .into(),
            ),
            association_kind: AssociationKind::Alternative,
            data: xml.as_bytes().to_vec().into(),
            modification_date: Some(pdf_date(inv.issued_on)),
            compress: Some(true),
            location: None,
        })
        .ok_or_else(|| Error::Render(format!("{file_name} embedded twice")))?;
    let bytes = document
        .finish()
        .map_err(|e| Error::Render(format!("{e:?}")))?;
    let conformance = if inv.buyer.leitweg_id.is_some() {
        "XRECHNUNG"
    } else {
        "EN 16931"
    };
    crate::xmp::add_factur_x(bytes, file_name, conformance)
}
